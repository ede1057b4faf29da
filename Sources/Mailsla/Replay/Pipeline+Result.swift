import MailslaCore

extension Pipeline {
    /// What the pipeline has seen so far, as the report's input. Call after
    /// `finish()` for a complete run, or at any batch boundary for a live view.
    public func result(sources: [String], errors: [InputError], elapsedSeconds: Double) -> ReplayResult {
        var result = ReplayResult(counters: counters, symbols: symbols, sources: sources, errors: errors,
                                  elapsedSeconds: elapsedSeconds)
        result.classification = classifier.map { ($0.rules, $0.counters) }
        result.flow = correlator?.health
        result.mailflowTests = mailflow?.tests() ?? []
        result.episodes = detectors?.result
        return result
    }
}
