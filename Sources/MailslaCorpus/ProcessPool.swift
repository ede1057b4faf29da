/// The worker processes of one daemon on one host (smtpd, cleanup, smtp…).
///
/// A flow takes the first idle process; a process idle longer than Postfix's
/// `max_idle` (100 s) has exited and a new pid takes its place, so pids are
/// reused for a while and then churn, as on a real server.
struct ProcessPool {
    private var pids: [Int32] = []
    private var busyUntil: [Int64] = []

    static let maxIdle: Int64 = 100_000_000

    /// A process free at `time`, now busy until `until`. Returns its pid and
    /// whether `newPID` was used for it.
    mutating func acquire(at time: Int64, until: Int64, newPID: Int32) -> (pid: Int32, usedNew: Bool) {
        for i in pids.indices where busyUntil[i] <= time {
            let idle = time - busyUntil[i]
            busyUntil[i] = until
            if idle > Self.maxIdle {
                pids[i] = newPID
                return (newPID, true)
            }
            return (pids[i], false)
        }
        pids.append(newPID)
        busyUntil.append(until)
        return (newPID, true)
    }
}

/// The processes of one host: long-lived daemons with one pid each, pools of
/// workers, and the counter new pids come from.
struct HostProcesses {
    private var nextPID: Int32
    var postscreen: Int32 = 0
    var qmgr: Int32 = 0
    var pickup: Int32 = 0
    var anvil: Int32 = 0
    var dovecot: Int32 = 0
    var amavisChildren: [Int32] = []
    /// Messages each amavis child has handled (its log id is `(pid-NN)`).
    var amavisRequests: [Int32] = []
    private var pools = [ProcessPool](repeating: ProcessPool(), count: Program.allCases.count)

    init(firstPID: Int32, random: inout CorpusRandom) {
        nextPID = firstPID
        postscreen = newPID(&random)
        qmgr = newPID(&random)
        pickup = newPID(&random)
        anvil = newPID(&random)
        dovecot = newPID(&random)
        for _ in 0..<3 {
            amavisChildren.append(newPID(&random))
            amavisRequests.append(0)
        }
    }

    /// A fresh pid, a little above the last one (other processes take the ones between).
    mutating func newPID(_ random: inout CorpusRandom) -> Int32 {
        nextPID = candidate(&random)
        return nextPID
    }

    private func candidate(_ random: inout CorpusRandom) -> Int32 {
        let next = nextPID + Int32(1 + random.below(37))
        return next > 4_194_000 ? 300 + Int32(random.below(1000)) : next
    }

    /// A worker of `program` that is idle at `time`, now busy until `until`.
    mutating func worker(_ program: Program, at time: Int64, until: Int64, _ random: inout CorpusRandom) -> Int32 {
        let fresh = candidate(&random)
        let (pid, usedNew) = pools[Int(program.rawValue)].acquire(at: time, until: until, newPID: fresh)
        if usedNew { nextPID = fresh }
        return pid
    }

    /// The amavis child that takes the next message, and its request number; a child retires after 20.
    mutating func amavisChild(_ random: inout CorpusRandom) -> (pid: Int32, request: Int32) {
        let i = random.below(amavisChildren.count)
        amavisRequests[i] += 1
        if amavisRequests[i] > 20 {
            amavisChildren[i] = newPID(&random)
            amavisRequests[i] = 1
        }
        return (amavisChildren[i], amavisRequests[i])
    }
}
