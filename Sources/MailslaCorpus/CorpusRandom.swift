import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The corpus generator's random source: SplitMix64 with the draws a simulation
/// needs, so a corpus is a pure function of its seed on every platform.
public struct CorpusRandom: Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    @inline(__always)
    public mutating func next() -> UInt64 { generator.next() }

    /// A stateless hash of `value`: decorations derived from a key without consuming the stream.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 { SplitMix64.mix(value) }

    /// Uniform in 0..<bound (bound > 0), by multiply-high (no division).
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in range.
    @inline(__always)
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// An exponential variate with the given mean (as microseconds).
    @inline(__always)
    public mutating func exponential(mean: Double) -> Int64 {
        Int64(-mean * log(1 - unit()))
    }

    /// A positive duration near `typical` (the median), with a long tail up to about 9.5 × `typical`.
    @inline(__always)
    public mutating func skewed(typical: Int64) -> Int64 {
        let u = unit()
        let u4 = u * u * u * u
        return Int64(Double(typical) * (0.5 + u + 8 * u4 * u4 * u4))
    }
}

