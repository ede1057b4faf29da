/// Where and when every injected attack happens: a pure function of the
/// options (its own random stream, so the background traffic is the same
/// with or without scenarios).
///
/// Attacks without a start are spread over the span, one per equal segment,
/// at least an hour from each other, so no two episodes of the truth merge.
struct ScenarioPlan {
    struct Attack {
        /// Index into `options.scenarios.attacks`.
        var spec: Int
        var kind: AttackKind
        var host: Host
        /// Planned window, microseconds: the attacker is active in [start, end].
        var start: Int64
        var end: Int64
    }

    let attacks: [Attack]
    let seed: UInt64

    /// Throws `CorpusError.invalidOptions` when the attacks do not fit in the span.
    init(options: CorpusOptions) throws(CorpusError) {
        seed = options.seed ^ 0x7363_656E_6172_696F
        var random = CorpusRandom(seed: seed)
        let specs = options.scenarios.attacks
        var placed = [Attack?](repeating: nil, count: specs.count)
        var busy: [(Int64, Int64)] = []
        let hour: Int64 = 3_600_000_000
        for (i, spec) in specs.enumerated() {
            guard let start = spec.start else { continue }
            let end = start + spec.length * 1_000_000
            placed[i] = Attack(spec: i, kind: spec.kind, host: Self.host(spec.kind), start: start, end: end)
            busy.append((start - hour, end + hour))
        }
        let free = specs.indices.filter { specs[$0].start == nil }
        // The first and last hour stay free: episodes there would touch the span's edges.
        let first = options.start + hour
        let last = options.end - hour
        let segment = free.isEmpty ? 0 : (last - first) / Int64(free.count)
        for (n, i) in free.enumerated() {
            let length = specs[i].length * 1_000_000
            let lowest = first + Int64(n) * segment
            var chosen: Int64?
            // Its own segment first (spreads attacks over the span), then anywhere.
            for (low, high) in [(lowest, lowest + segment - length), (first, last - length)] where high > low {
                for _ in 0..<200 {
                    let s = low + Int64(random.below(Int((high - low) / 1_000_000) + 1)) * 1_000_000
                    if !busy.contains(where: { s < $0.1 && s + length > $0.0 }) {
                        chosen = s
                        break
                    }
                }
                if chosen != nil { break }
            }
            guard let start = chosen else {
                throw .invalidOptions("\(specs.count) attacks do not fit in \(options.days) day(s) with an hour between them: give more --days or fewer attacks.")
            }
            placed[i] = Attack(spec: i, kind: specs[i].kind, host: Self.host(specs[i].kind), start: start, end: start + length)
            busy.append((start - hour, start + length + hour))
        }
        attacks = placed.map { $0! }
    }

    /// The host each kind of attack hits.
    static func host(_ kind: AttackKind) -> Host {
        switch kind {
        case .connFlood, .mailbomb: .mx1
        case .networkFlood, .synFlood: .mx2
        case .authFast: .smtp1
        case .authSlow: .imap1
        }
    }
}
