/// One line the simulator produced: its header fields. The message text is
/// written on demand by `MailSimulator.writeMessage(_:into:)`.
public struct SimulatedLine: Sendable, Equatable {
    /// Microseconds since the epoch, UTC.
    public let time: Int64
    /// Index into `MailSimulator.hostNames`.
    public let host: Int
    /// Index into `MailSimulator.programTags`.
    public let program: Int
    /// The process id (`_PID`); written in the syslog tag unless `pidInTag` is false.
    public let pid: Int32
    /// False for programs whose syslog tag carries no `[pid]` (Dovecot).
    public let pidInTag: Bool
    let slot: Int32
    let step: Int32
}

/// A synchronous, deterministic, event-time simulation of a small mail site
/// (two MXs with postscreen and amavis, a submission relay, a Dovecot host)
/// that yields exactly `options.lines` log lines in time order.
///
/// Each *flow* (an SMTP session and everything it causes, a login, a cron
/// job) is planned in full when it starts: its lines become a script of
/// timed steps, and its truth (messages, recipients, outcomes) is recorded at
/// once. A heap holds the next step of every active flow; `next()` pops the
/// earliest. Flow starts are spread over the span by a diurnal clock driven
/// by the share of lines already planned, which is what keeps the line count
/// exact: when a planned flow would overshoot, one-line noise fills the rest.
///
/// Cost: O(log active flows) per line, no allocation per line once warm.
public struct MailSimulator {
    public let options: CorpusOptions
    let vocabulary: Vocabulary
    var random: CorpusRandom
    private var clock: DiurnalClock
    private var heap = EventHeap()
    var flows: [Flow] = []
    var steps: [Step] = []
    private var freeSlots: [Int32] = []
    private var releaseAfterWrite: Int32 = -1
    var processes: [HostProcesses] = []
    private var inodes: [UInt32] = []
    /// Lines handed out so far.
    public private(set) var emitted = 0
    /// Lines of the flows started so far (all of which will be handed out).
    private var planned = 0
    private var nextStart: Int64
    /// No step may be later than this.
    let deadline: Int64
    var truth = TruthRecorder()
    /// The slot and step count of the flow being planned.
    private var building: Int32 = 0
    private var buildCount = 0
    /// Injected attacks and look-alikes (MailSimulator+Scenario.swift); nil without scenarios.
    var scenario: ScenarioRunner?

    static let stepsPerFlow = 96
    /// Roughly the mean lines per flow; only spreads flow starts, exactness does not depend on it.
    static let meanFlowLines = 8.0

    /// Host names by `SimulatedLine.host`.
    public static let hostNames: [String] = Host.allCases.map(\.name)
    /// Syslog tags by `SimulatedLine.program`.
    public static let programTags: [String] = Program.allCases.map(\.tag)

    /// Throws `CorpusError.invalidOptions` when `options` do not validate.
    public init(options: CorpusOptions) throws(CorpusError) {
        try options.validate()
        self.options = options
        vocabulary = Vocabulary()
        random = CorpusRandom(seed: options.seed ^ 0x6D61_696C_736C_6121)
        let span = options.end - options.start
        let margin = min(Int64(600_000_000), span / 20)
        clock = DiurnalClock(start: options.start, days: options.days, usable: span - margin)
        deadline = options.end - 1_000_000
        nextStart = options.start
        for host in Host.allCases {
            let first = Int32(1000 + random.below(400_000) + Int(host.rawValue) * 7)
            processes.append(HostProcesses(firstPID: first, random: &random))
            inodes.append(UInt32(0x10000 + random.below(0x60000)))
        }
        nextStart = clock.time(at: random.unit() * Self.meanFlowLines / Double(options.lines))
        if !options.scenarios.isEmpty { scenario = try ScenarioRunner(options: options, vocabulary: vocabulary) }
    }

    /// The next line in time order, or nil after `options.lines` lines (and the scenarios' lines).
    public mutating func next() -> SimulatedLine? {
        if releaseAfterWrite >= 0 {
            freeSlots.append(releaseAfterWrite)
            releaseAfterWrite = -1
        }
        guard emitted < options.lines || scenario != nil else { return nil }
        while planned < options.lines, heap.isEmpty || nextStart <= heap.minTime! {
            startFlow()
        }
        if scenario != nil { startDueScenarioFlows() }
        guard let top = heap.popMin() else { return nil }
        let slot = Int(top.slot)
        let index = flows[slot].cursor
        flows[slot].cursor = index + 1
        let stepIndex = slot * Self.stepsPerFlow + index
        if index + 1 < flows[slot].stepCount {
            heap.push(time: steps[stepIndex + 1].time, slot: top.slot)
        } else {
            releaseAfterWrite = top.slot
        }
        emitted += 1
        let step = steps[stepIndex]
        let program = Program(rawValue: step.program)!
        return SimulatedLine(time: step.time, host: Int(step.host), program: Int(step.program), pid: step.pid,
                             pidInTag: program.tagHasPID, slot: top.slot, step: Int32(stepIndex))
    }

    /// What the simulation recorded so far (complete once `next()` returned nil).
    var recorded: TruthRecorder { truth }

    // MARK: planning flows

    private mutating func startFlow() {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(flows.count)
            flows.append(Flow())
            steps.append(contentsOf: repeatElement(Step.empty, count: Self.stepsPerFlow))
        }
        building = slot
        buildCount = 0
        let start = nextStart
        let mark = truth.mark
        var flow = Flow()
        flow.key = random.next()
        plan(&flow, kind: pickKind(), at: start)
        if buildCount > options.lines - planned {
            // Too long for what is left: drop it and fill with one-line noise instead.
            truth.rollback(to: mark)
            buildCount = 0
            flow = Flow()
            flow.key = random.next()
            plan(&flow, kind: .oneLineNoise, at: start)
        }
        sortSteps(slot: Int(slot), count: buildCount)
        flow.stepCount = buildCount
        flow.cursor = 0
        flows[Int(slot)] = flow
        planned += buildCount
        heap.push(time: steps[Int(slot) * Self.stepsPerFlow].time, slot: slot)

        let u = (Double(planned) + random.unit() * Self.meanFlowLines) / Double(options.lines)
        nextStart = max(clock.time(at: u), start)
    }

    /// Scenario hook: starts one flow outside the line budget (an injected attack
    /// or look-alike): its lines come on top of `options.lines` and do not move the
    /// diurnal clock. `plan` adds at least one step. Returns the flow's line count.
    mutating func startExtraFlow(_ plan: (inout MailSimulator, inout Flow) -> Void) -> Int {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(flows.count)
            flows.append(Flow())
            steps.append(contentsOf: repeatElement(Step.empty, count: Self.stepsPerFlow))
        }
        building = slot
        buildCount = 0
        var flow = Flow()
        plan(&self, &flow)
        precondition(buildCount > 0, "an extra flow without lines")
        sortSteps(slot: Int(slot), count: buildCount)
        flow.stepCount = buildCount
        flow.cursor = 0
        flows[Int(slot)] = flow
        heap.push(time: steps[Int(slot) * Self.stepsPerFlow].time, slot: slot)
        return buildCount
    }

    /// The time of the next line the heap holds (scenario hook).
    var nextLineTime: Int64? { heap.minTime }

    private mutating func pickKind() -> FlowKind {
        switch random.below(1000) {
        case 0..<400: .inbound
        case 400..<500: .submission
        case 500..<610: .reject
        case 610..<670: .postscreenDrop
        case 670..<690: .cronMail
        case 690..<790: .imapSession
        case 790..<820: .pop3Session
        case 820..<860: .authFailure
        case 860..<910: .sshNoise
        case 910..<970: .cronNoise
        default: .anvilStatistics
        }
    }

    private mutating func plan(_ flow: inout Flow, kind: FlowKind, at time: Int64) {
        flow.kind = kind
        switch kind {
        case .inbound: planInbound(&flow, at: time)
        case .submission: planSubmission(&flow, at: time)
        case .reject: planReject(&flow, at: time)
        case .postscreenDrop: planPostscreenDrop(&flow, at: time)
        case .cronMail: planCronMail(&flow, at: time)
        case .imapSession, .pop3Session: planMailboxSession(&flow, imap: kind == .imapSession, at: time)
        case .authFailure: planAuthFailure(&flow, at: time)
        case .sshNoise: planSSH(&flow, at: time)
        case .cronNoise: planCron(&flow, at: time)
        case .anvilStatistics: planAnvil(&flow, at: time)
        case .oneLineNoise: planOneLine(&flow, at: time)
        }
    }

    /// Adds one step to the flow being planned.
    mutating func add(_ time: Int64, _ host: Host, _ program: Program, _ pid: Int32, _ kind: StepKind,
                      arg: UInt8 = 0, detail: UInt8 = 0, aux: UInt32 = 0) {
        precondition(buildCount < Self.stepsPerFlow, "flow script longer than \(Self.stepsPerFlow) steps")
        precondition(time < options.end, "step after the end of the span")
        steps[Int(building) * Self.stepsPerFlow + buildCount] =
            Step(time: time, host: host, program: program, pid: pid, kind: kind, arg: arg, detail: detail, aux: aux)
        buildCount += 1
    }

    /// Stable insertion sort by time: steps planned out of order (a Dovecot line
    /// before the LMTP reply it answers) take their place; equal times keep plan order.
    private mutating func sortSteps(slot: Int, count: Int) {
        let base = slot * Self.stepsPerFlow
        guard count > 1 else { return }
        for i in 1..<count {
            let item = steps[base + i]
            var j = i
            while j > 0, steps[base + j - 1].time > item.time {
                steps[base + j] = steps[base + j - 1]
                j -= 1
            }
            steps[base + j] = item
        }
    }

    /// A new queue id on `host`, as Postfix would make it at `time`.
    mutating func newQueueID(_ host: Host, at time: Int64) -> QueueID {
        let h = Int(host.rawValue)
        inodes[h] = inodes[h] &+ UInt32(1 + random.below(3))
        if inodes[h] > 0xFFFFF { inodes[h] = 0x10000 }
        return host.longQueueIDs ? .long(micros: time, inode: inodes[h] & 0xFFFFF) : .short(micros: time, inode: inodes[h])
    }
}
