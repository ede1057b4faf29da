import Foundation
import MailslaRules
import MailslaSLA
import Yams

/// Reads `mailsla.yaml` strictly: an unknown key, a wrong type or a bad
/// value is refused with the file, the line and what to write instead.
public enum ConfigLoader {
    static let topKeys: Set<String> = ["timezone", "rules", "sources", "flow", "sla", "detection", "store", "listen", "tail", "probes"]

    public static func load(path: String) throws -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> Configuration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: path, message: "YAML error: \(error)")
        }
        var config = Configuration()
        config.path = path
        guard let node else { return config }
        let reader = YAMLReader(file: path)
        do {
            try apply(node, reader, to: &config)
        } catch let error as RuleError {
            throw ConfigError(file: path, line: error.line, message: error.message)
        }
        do {
            try config.sla.validate()
        } catch {
            throw ConfigError(file: path, message: "sla: " + error.problems.joined(separator: "; "))
        }
        return config
    }

    private static func apply(_ node: Node, _ r: YAMLReader, to c: inout Configuration) throws {
        let top = try r.mapping(node, allowed: topKeys, what: "the configuration")
        if let n = top["timezone"] {
            let name = try r.string(n, "timezone")
            guard TimeZone(identifier: name) != nil else {
                throw r.fail(n, "unknown time zone '\(name)': use an IANA name such as UTC or Europe/Berlin")
            }
            c.timeZoneName = name
            c.sla.timeZone = TimeZone(identifier: name)!
        }
        if let n = top["rules"] { c.rulesDirectory = try r.string(n, "rules") }
        if let n = top["store"] { c.store = try r.string(n, "store") }
        if let n = top["listen"] { c.listen = try ListenSettings(n, r) }
        if let n = top["tail"] { c.tail = try TailSettings(n, r) }
        if let n = top["sources"] {
            let s = try r.mapping(n, allowed: ["files", "journal_matches", "probes"], what: "sources")
            c.files = try r.sequence(s["files"], "sources.files").map { try r.string($0, "a file path or glob") }
            c.journalMatches = try r.sequence(s["journal_matches"], "sources.journal_matches").map { m in
                let text = try r.string(m, "a journal match")
                guard text.contains("=") else { throw r.fail(m, "journal match '\(text)' must be FIELD=value") }
                return text
            }
            c.probes = try r.sequence(s["probes"], "sources.probes").map { try r.string($0, "a probe file") }
        }
        if let n = top["flow"] { try applyFlow(n, r, to: &c.flow) }
        if let n = top["sla"] { try applySLA(n, r, to: &c.sla) }
        if let n = top["detection"] { try applyDetection(n, r, to: &c.detection) }
        if let n = top["probes"] { c.probeTargets = try probeTargets(n, r, sla: &c.sla) }
    }

    private static func applyFlow(_ node: Node, _ r: YAMLReader, to f: inout FlowSettings) throws {
        let m = try r.mapping(node, allowed: ["filter_addresses", "filter_timeout", "grace", "max_age", "max_messages"],
                              what: "flow")
        if let n = m["filter_addresses"] {
            f.filterAddresses = Set(try r.sequence(n, "flow.filter_addresses").map { try r.string($0, "an address") })
        }
        if let n = m["filter_timeout"] { f.flowTimeoutSeconds = Int64(try duration(n, r, "flow.filter_timeout")) }
        if let n = m["grace"] { f.graceSeconds = Int64(try duration(n, r, "flow.grace")) }
        if let n = m["max_age"] { f.maxAgeSeconds = Int64(try duration(n, r, "flow.max_age")) }
        if let n = m["max_messages"] { f.maxMessages = try integer(n, r, "flow.max_messages", min: 1000) }
    }

    private static func applySLA(_ node: Node, _ r: YAMLReader, to p: inout SLAPolicy) throws {
        let m = try r.mapping(node, allowed: ["objective", "minimum", "server", "exclusion_policy", "episode_margin",
                                              "services", "maintenance", "exclusions"], what: "sla")
        if let n = m["objective"] { p.objective = try fraction(n, r, "sla.objective") }
        if let n = m["minimum"] { p.minimum = try fraction(n, r, "sla.minimum") }
        if let n = m["server"] { p.serverMembers = try r.sequence(n, "sla.server").map { try r.string($0, "a service name") } }
        if let n = m["exclusion_policy"] {
            let text = try r.string(n, "sla.exclusion_policy")
            guard let policy = ExclusionPolicy(rawValue: text) else {
                throw r.fail(n, "sla.exclusion_policy must be 'incident' or 'overlap', not '\(text)'")
            }
            p.exclusionPolicy = policy
        }
        if let n = m["episode_margin"] {
            let e = try r.mapping(n, allowed: ["before", "after"], what: "sla.episode_margin")
            if let b = e["before"] { p.episodeMargins.beforeSeconds = try duration(b, r, "episode_margin.before") }
            if let a = e["after"] { p.episodeMargins.afterSeconds = try duration(a, r, "episode_margin.after") }
        }
        if let n = m["services"] {
            guard let mapping = n.mapping else { throw r.fail(n, "sla.services must map service names to settings") }
            for (key, value) in mapping {
                let name = try r.string(key, "a service name")
                let s = try r.mapping(value, allowed: ["interval", "threshold"], what: "sla.services.\(name)")
                var service = name == "default" ? p.defaultService : p.service(name)
                if let i = s["interval"] { service.intervalSeconds = try duration(i, r, "\(name).interval") }
                if let t = s["threshold"] { service.failureThreshold = try integer(t, r, "\(name).threshold", min: 1) }
                if name == "default" { p.defaultService = service } else { p.services[name] = service }
            }
        }
        for n in try r.sequence(m["maintenance"], "sla.maintenance") {
            let w = try r.mapping(n, allowed: ["start", "end", "every", "reason"], what: "a maintenance window")
            let reason = try r.string(w["reason"], "reason (why the window is excluded)")
            if let every = w["every"] {
                let text = try r.string(every, "every")
                do {
                    p.recurringMaintenance.append(try RecurringMaintenance(parsing: text, reason: reason))
                } catch {
                    throw r.fail(every, "every: \(error.problems.joined(separator: "; ")) (e.g. \"Sunday 02:00 for 2h\")")
                }
            } else {
                p.maintenance.append(try window(w, n, r, reason: reason))
            }
        }
        for n in try r.sequence(m["exclusions"], "sla.exclusions") {
            let w = try r.mapping(n, allowed: ["start", "end", "reason"], what: "an exclusion")
            p.manualExclusions.append(try window(w, n, r, reason: try r.string(w["reason"], "reason")))
        }
    }

    /// The detector families a configuration may tune, by their key in `detection:` (read-only tables).
    nonisolated(unsafe) static let windowFamilies: [(String, WritableKeyPath<DetectionSettings, WindowThreshold>)] = [
        ("conn_per_client", \.connPerClient), ("conn_per_network", \.connPerNetwork), ("conn_per_server", \.connPerServer),
        ("conn_limits", \.connLimits), ("auth_per_client", \.authPerClient), ("auth_per_client_slow", \.authPerClientSlow),
        ("auth_per_user", \.authPerUser), ("auth_per_user_slow", \.authPerUserSlow),
        ("resource_exhaustion", \.resourceExhaustion), ("syn_flood", \.synFlood),
    ]
    nonisolated(unsafe) static let baselineFamilies: [(String, WritableKeyPath<DetectionSettings, BaselineThreshold>)] = [
        ("mailbomb_per_recipient", \.mailbombPerRecipient), ("mailbomb_per_sender", \.mailbombPerSender),
        ("mailbomb_per_sasl_user", \.mailbombPerSASLUser),
    ]

    private static func applyDetection(_ node: Node, _ r: YAMLReader, to d: inout DetectionSettings) throws {
        let allowed = Set(["trusted_networks", "monitors", "probes", "allowed_names", "network_prefix_v4",
                           "network_prefix_v6", "anvil_connection_rate", "max_client_keys", "max_name_keys",
                           "trust_loopback"]
            + windowFamilies.map(\.0) + baselineFamilies.map(\.0))
        let m = try r.mapping(node, allowed: allowed, what: "detection")
        func list(_ key: String) throws -> [String]? {
            try m[key].map { try r.sequence($0, "detection.\(key)").map { try r.string($0, "an entry of detection.\(key)") } }
        }
        if let v = try list("trusted_networks") { d.trustedNetworks = v }
        if let v = try list("monitors") { d.monitorAddresses = v }
        if let v = try list("probes") { d.probeAddresses = v }
        if let v = try list("allowed_names") { d.allowedNames = v }
        if let n = m["network_prefix_v4"] { d.networkPrefixV4 = try integer(n, r, "detection.network_prefix_v4", min: 8) }
        if let n = m["network_prefix_v6"] { d.networkPrefixV6 = try integer(n, r, "detection.network_prefix_v6", min: 16) }
        if let n = m["trust_loopback"] {
            guard let value = n.bool else { throw r.fail(n, "detection.trust_loopback must be true or false") }
            d.trustLoopback = value
        }
        if let n = m["anvil_connection_rate"] { d.anvilConnectionRate = try integer(n, r, "detection.anvil_connection_rate", min: 1) }
        if let n = m["max_client_keys"] { d.maxClientKeys = try integer(n, r, "detection.max_client_keys", min: 1024) }
        if let n = m["max_name_keys"] { d.maxNameKeys = try integer(n, r, "detection.max_name_keys", min: 1024) }
        for (key, path) in windowFamilies {
            if let n = m[key] { try applyWindow(n, r, "detection.\(key)", to: &d[keyPath: path], extra: []) }
        }
        for (key, path) in baselineFamilies {
            guard let n = m[key] else { continue }
            try applyWindow(n, r, "detection.\(key)", to: &d[keyPath: path].window, extra: ["factor", "half_life"])
            let b = try r.mapping(n, allowed: ["window", "open", "close", "quiet", "factor", "half_life"], what: "detection.\(key)")
            if let f = b["factor"] {
                guard let value = f.float, value >= 1 else { throw r.fail(f, "detection.\(key).factor must be a number ≥ 1") }
                d[keyPath: path].factor = value
            }
            if let h = b["half_life"] { d[keyPath: path].halfLifeSeconds = Int64(try duration(h, r, "detection.\(key).half_life")) }
        }
    }

    /// `{window, open, close, quiet}` of one detector family; keys left out keep their defaults.
    private static func applyWindow(_ node: Node, _ r: YAMLReader, _ what: String, to w: inout WindowThreshold,
                                    extra: [String]) throws {
        let m = try r.mapping(node, allowed: Set(["window", "open", "close", "quiet"] + extra), what: what)
        if let n = m["window"] {
            let seconds = Int64(try duration(n, r, "\(what).window"))
            if w.closeWindowSeconds == w.windowSeconds { w.closeWindowSeconds = seconds }
            w.windowSeconds = seconds
        }
        if let n = m["open"] { w.open = try integer(n, r, "\(what).open", min: 1) }
        if let n = m["close"] { w.close = try integer(n, r, "\(what).close", min: 1) }
        if let n = m["quiet"] { w.quietSeconds = Int64(try duration(n, r, "\(what).quiet")) }
        if w.close > w.open { throw r.fail(node, "\(what): close (\(w.close)) must not be above open (\(w.open))") }
    }

    private static func window(_ w: [String: Node], _ node: Node, _ r: YAMLReader, reason: String) throws -> DeclaredWindow {
        let start = try r.string(w["start"], "start (RFC 3339, e.g. 2026-11-08T02:00:00Z)")
        let end = try r.string(w["end"], "end (RFC 3339)")
        guard let window = DeclaredWindow(start: start, end: end, reason: reason) else {
            throw r.fail(node, "start and end must be RFC 3339 times with a zone, e.g. 2026-11-08T02:00:00Z")
        }
        return window
    }

    static func duration(_ node: Node, _ r: YAMLReader, _ what: String) throws -> Int {
        if let seconds = node.int, seconds >= 0 { return seconds }
        let text = try r.string(node, what)
        guard let seconds = RecurringMaintenance.durationSeconds(text) else {
            throw r.fail(node, "\(what): '\(text)' is not a duration (e.g. 90s, 5m, 2h, 1h30m)")
        }
        return seconds
    }

    static func integer(_ node: Node, _ r: YAMLReader, _ what: String, min: Int) throws -> Int {
        guard let value = node.int, value >= min else { throw r.fail(node, "\(what) must be a whole number ≥ \(min)") }
        return value
    }

    private static func fraction(_ node: Node, _ r: YAMLReader, _ what: String) throws -> Double {
        guard let text = node.scalar?.string else { throw r.fail(node, "\(what) must be a number") }
        if text.hasSuffix("%"), let percent = Double(text.dropLast().trimmingCharacters(in: .whitespaces)) {
            return percent / 100
        }
        guard let value = Double(text), value > 0, value <= 1 else {
            throw r.fail(node, "\(what) must be a fraction such as 0.995, or a percentage such as 99.5%")
        }
        return value
    }
}
