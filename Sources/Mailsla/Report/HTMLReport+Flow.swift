import Foundation
import Histogram
import MailslaCore

/// The mail-flow section: message outcomes, rejections by reason, latency
/// percentiles and per-host counts, all from `FlowHealth` as the JSON's
/// `flow` block takes them.
///
/// `FlowHealth` keeps totals for the whole input, not a series per day or
/// hour, so the volume is drawn as totals and the page says so.
extension HTMLReport {
    func flowSection(_ w: HTMLWriter, _ flow: FlowHealth) {
        w.element("section", [("id", "flow")]) {
            w.element("h2", text: "Mail flow")
            w.element("p", [("class", "note")],
                      text: "Totals over the input (the flow keeps no per-day or per-hour series yet). "
                          + "A message is counted once across the content filter; bounce notices are counted apart.")
            w.element("div", [("class", "columns")]) {
                var rows: [(label: String, key: String, value: Int, problem: Bool)] = [("received", "received", flow.received, false)]
                for status in [MessageStatus.delivered, .bounced, .expired, .deferred, .inFlight, .held, .discarded] {
                    rows.append((status.rawValue.replacingOccurrences(of: "_", with: " "), status.rawValue, flow[status], false))
                }
                rows += [("spam", "spam", flow.spam, false), ("virus", "virus", flow.virus, false),
                         ("lost in the filter", "lost", flow[.lost], flow[.lost] > 0),
                         ("bounce notices", "ndn", flow.ndn, false)]
                barTable(w, caption: "Messages", rows: rows.map { ($0.label, "flow." + $0.key, $0.value, $0.problem) })
                var reasons: [(String, String, Int, Bool)] = [("rejected attempts", "flow.rejected", flow.rejected, false)]
                reasons += flow.rejectedByReason.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { ("  " + $0.key.replacingOccurrences(of: "_", with: " "), "flow.rejected_by_reason." + $0.key, $0.value, false) }
                barTable(w, caption: "Rejected (one per log line)", rows: reasons)
            }
            latency(w, flow)
            hosts(w, flow)
        }
    }

    /// Label, count and a bar scaled to the table's largest count.
    private func barTable(_ w: HTMLWriter, caption: String, rows: [(String, String, Int, Bool)]) {
        let peak = max(rows.map(\.2).max() ?? 1, 1)
        w.element("table", [("class", "figures compact bars")]) {
            w.element("caption", text: caption)
            w.element("tbody") {
                for (label, key, value, problem) in rows {
                    let sub = label.hasPrefix("  ")
                    w.element("tr", value == 0 ? [("class", "zero")] : []) {
                        w.element("th", sub ? [("scope", "row"), ("class", "sub")] : [("scope", "row")],
                                  text: label.trimmingCharacters(in: .whitespaces))
                        cell(w, problem ? "bad" : nil) { w.figure(key, .int(value), shown: group(value)) }
                        w.element("td", [("class", "bar")]) { if value > 0 { inlineBar(w, Double(value) / Double(peak), problem: problem) } }
                    }
                }
            }
        }
    }

    /// p50, p90, p99 and max of the delivery latency and the filter round trip, on a log scale.
    private func latency(_ w: HTMLWriter, _ flow: FlowHealth) {
        let series: [(String, String, Histogram<UInt64>)] = [("Delivery latency", "flow.latency_seconds", flow.latency),
                                                             ("Content-filter round trip", "flow.filter_round_trip_seconds", flow.filterRoundTrip)]
        let present = series.filter { $0.2.totalCount > 0 }
        guard !present.isEmpty else { return }
        // Seconds, as the JSON report computes them.
        func seconds(_ h: Histogram<UInt64>, _ p: String) -> Double {
            p == "max" ? Double(h.max) / 1000 : Double(h.valueAtPercentile(Double(p.dropFirst())!)) / 1000
        }
        let all = present.flatMap { s in ["p50", "p90", "p99", "max"].map { seconds(s.2, $0) } }
        let lo = 0.01
        let hi = pow(10, (log10(max(all.max() ?? 1, 1))).rounded(.up))
        func share(_ v: Double) -> Double { v <= lo ? 0 : min(1, log10(v / lo) / log10(hi / lo)) }
        w.element("div", [("class", "columns")]) {
            for (caption, key, h) in present {
                w.element("table", [("class", "figures compact bars")]) {
                    w.element("caption") {
                        w.text(caption + " ")
                        w.element("span", [("class", "sub")], text: "(\(group(Int(h.totalCount))) messages; bars on a log scale, 0.01 s – \(HTMLFormat.minutes(hi)) s)")
                    }
                    w.element("tbody") {
                        for p in ["p50", "p90", "p99", "max"] {
                            let v = seconds(h, p)
                            w.element("tr") {
                                w.element("th", [("scope", "row")], text: p)
                                cell(w) { w.figure("\(key).\(p)", .double(v), shown: HTMLFormat.seconds(v)) }
                                w.element("td", [("class", "bar")]) { inlineBar(w, share(v)) }
                            }
                        }
                    }
                }
            }
        }
    }

    private func hosts(_ w: HTMLWriter, _ flow: FlowHealth) {
        let hosts = flow.byHost.map { (result.symbols.name($0.key), $0.value) }.sorted { $0.0 < $1.0 }
        guard hosts.count > 1 || (hosts.first.map { $0.0 != "" } ?? false) else { return }
        w.element("table", [("class", "figures compact")]) {
            w.element("caption", text: "By host")
            w.element("thead") {
                w.element("tr") {
                    w.element("th", text: "Host")
                    for name in ["Received", "Delivered", "Bounced", "Deferred", "Rejected"] { w.element("th", [("class", "num")], text: name) }
                }
            }
            w.element("tbody") {
                for (name, c) in hosts {
                    w.element("tr") {
                        w.element("th", [("scope", "row")], text: name)
                        for (k, v) in [("received", c.received), ("delivered", c.delivered), ("bounced", c.bounced),
                                       ("deferred", c.deferred), ("rejected", c.rejected)] {
                            cell(w) { w.figure("flow.by_host.\(name).\(k)", .int(v), shown: group(v)) }
                        }
                    }
                }
            }
        }
    }
}
