import Mailsla

/// What the loader says when it refuses `text` (read as `bad.yaml`), or "accepted".
/// Shared by the configuration tests so every section's refusals read the same way.
func refusal(_ text: String) -> String {
    do {
        _ = try ConfigLoader.parse(text, path: "bad.yaml")
        return "accepted"
    } catch {
        return "\(error)"
    }
}
