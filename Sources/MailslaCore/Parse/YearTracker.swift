/// Gives RFC 3164 timestamps (which have no year) their year.
///
/// Either a year is given for the first line (`--year`), or a reference
/// time is known that the last line of the file is near (its modification
/// time). Lines run forward in time, so when the month falls back from
/// December to January the year rolls over; a line a few months *behind*
/// the current one (a late line around New Year) belongs to the year before.
public struct YearTracker: Sendable {
    public enum Anchor: Sendable, Equatable {
        /// The year of the first line.
        case firstLineYear(Int)
        /// The input ends near this date (year, month): a first line in a later month is from the year before.
        case endsNear(year: Int, month: Int)
    }

    public private(set) var anchor: Anchor
    private var year = 0
    private var lastMonth = 0

    public init(_ anchor: Anchor) { self.anchor = anchor }

    /// Starts again from a new anchor (a new file with its own modification time).
    public mutating func reanchor(_ anchor: Anchor) {
        self.anchor = anchor
        lastMonth = 0
    }

    @inline(__always)
    public mutating func year(forMonth month: Int) -> Int {
        if lastMonth == 0 {
            switch anchor {
            case .firstLineYear(let y): year = y
            case .endsNear(let y, let m): year = month > m ? y - 1 : y
            }
            lastMonth = month
            return year
        }
        let delta = month - lastMonth
        if delta == 0 { return year }
        if delta < -6 {
            year += 1
            lastMonth = month
            return year
        }
        if delta > 6 { return year - 1 }  // a late line from last year: state stays
        lastMonth = month
        return year
    }
}
