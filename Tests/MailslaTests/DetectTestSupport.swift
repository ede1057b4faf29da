import Foundation
import MailslaCore
@testable import Mailsla

/// Runs log lines through parse, classify, correlate and detect with the shipped rules.
func detect(_ lines: [String], settings: DetectionSettings = DetectionSettings(), year: Int = 2026,
            flow: FlowSettings = FlowSettings()) -> DetectionResult {
    let (result, _) = detectWithStage(lines, settings: settings, year: year, flow: flow)
    return result
}

/// As `detect`, and the stage itself for inspecting its tables.
func detectWithStage(_ lines: [String], settings: DetectionSettings = DetectionSettings(), year: Int = 2026,
                     flow: FlowSettings = FlowSettings()) -> (DetectionResult, Detectors) {
    let (_, pipeline) = runPipeline(lines, year: year, settings: flow, detection: settings)
    return (pipeline.detectors!.result, pipeline.detectors!)
}

/// A built log: messages at offsets from a base time, written as RFC 3164
/// lines in time order. Only documentation addresses (RFC 5737, RFC 3849).
struct BuiltLog {
    /// 2026-03-14T00:00:00Z, the base of every offset.
    static let base: Int64 = 1_773_446_400
    private var entries: [(Int64, Int, String)] = []

    /// `message` is everything after the timestamp: `mx1 postfix/smtpd[1]: …`.
    mutating func add(_ seconds: Int64, _ message: String) {
        entries.append((seconds, entries.count, message))
    }

    /// Seconds since the base for a clock time on the base day (or later days).
    static func at(_ hour: Int64, _ minute: Int64, _ second: Int64 = 0, day: Int64 = 0) -> Int64 {
        day * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The microsecond timestamp of an offset, as the detectors report it.
    static func micros(_ seconds: Int64) -> Int64 { (base + seconds) * 1_000_000 }

    var lines: [String] {
        entries.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { Self.stamp($0.0) + " " + $0.2 }
    }

    static func stamp(_ seconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(base + seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.month, .day, .hour, .minute, .second], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = c.day! < 10 ? " \(c.day!)" : "\(c.day!)"
        return String(format: "%@ %@ %02d:%02d:%02d", months[c.month! - 1], day, c.hour!, c.minute!, c.second!)
    }

    // MARK: traffic shapes

    /// A postscreen bot: CONNECT, PREGREET, DNSBL rank, HANGUP per connection.
    mutating func postscreenBot(_ ip: String, from start: Int64, to end: Int64, every step: Int64, host: String = "mx1") {
        var t = start
        var port = 40000
        while t <= end {
            add(t, "\(host) postfix/postscreen[3107]: CONNECT from [\(ip)]:\(port) to [198.51.100.25]:25")
            add(t, "\(host) postfix/postscreen[3107]: PREGREET 14 after 0.4 from [\(ip)]:\(port): EHLO ylmf-pc\\r\\n")
            add(t, "\(host) postfix/postscreen[3107]: DNSBL rank 3 for [\(ip)]:\(port)")
            add(t + 1, "\(host) postfix/postscreen[3107]: HANGUP after 0.8 from [\(ip)]:\(port) in tests after SMTP handshake")
            t += step
            port += 1
        }
    }

    /// A well-behaved client: one smtpd session every `step` seconds.
    mutating func session(_ name: String, _ ip: String, from start: Int64, to end: Int64, every step: Int64,
                          host: String = "mx1") {
        var t = start
        while t <= end {
            add(t, "\(host) postfix/smtpd[2975]: connect from \(name)[\(ip)]")
            add(t, "\(host) postfix/smtpd[2975]: disconnect from \(name)[\(ip)] ehlo=1 quit=1 commands=2")
            t += step
        }
    }

    /// One message through smtpd, cleanup, qmgr and local delivery.
    mutating func message(_ qid: String, at t: Int64, from sender: String, to recipients: [String],
                          client: String = "mail.example.net[192.0.2.20]", sasl: String? = nil, host: String = "mx1") {
        let auth = sasl.map { ", sasl_method=PLAIN, sasl_username=\($0)" } ?? ""
        add(t, "\(host) postfix/smtpd[2976]: \(qid): client=\(client)\(auth)")
        add(t, "\(host) postfix/cleanup[2977]: \(qid): message-id=<\(qid)@example.net>")
        add(t, "\(host) postfix/qmgr[2978]: \(qid): from=<\(sender)>, size=2048, nrcpt=\(recipients.count) (queue active)")
        for r in recipients {
            add(t + 1, "\(host) postfix/local[2979]: \(qid): to=<\(r)>, relay=local, delay=1, delays=0.1/0/0/0.9, dsn=2.0.0, status=sent (delivered to mailbox)")
        }
        add(t + 1, "\(host) postfix/qmgr[2978]: \(qid): removed")
    }
}

/// A unique queue id for built messages.
func qid(_ n: Int) -> String { String(format: "%010X", 0x1A000_0000 + n) }

/// Seconds between a reported time and the truth.
func offBy(_ micros: Int64, _ seconds: Int64) -> Int64 { abs(micros - BuiltLog.micros(seconds)) / 1_000_000 }
