import Foundation

/// Writes a small rule pack into a fresh directory; `files` maps file names to YAML.
func writePack(_ files: [String: String]) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-rules-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var all = files
    if all["taxonomy.yaml"] == nil {
        all["taxonomy.yaml"] = """
        kinds:
          smtp.connect: "a client connected"
          flow.delivery: "a delivery attempt"
        fields:
          client_host: "client name"
          client_ip: "client address"
          queue_id: "queue id"
          recipient: "recipient"
          delay: "seconds"
          delays: "a/b/c/d"
          status: "status"
          reason: "reason label"
        """
    }
    if all["fragments.yaml"] == nil {
        all["fragments.yaml"] = """
        fragments:
          QUEUEID: '(?<queue_id>[0-9A-F]{6,12})'
          PEER: '(?<host>[^\\s\\[\\]]+)\\[(?<ip>[^\\]]+)\\]'
        maps:
          defer_reason:
            default: other
            entries:
              - { regex: 'Connection timed out', label: connection_timeout }
        """
    }
    for (name, text) in all {
        try! text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return dir.path
}

let smtpdFile = """
programs: ["postfix*/smtpd", "postfix*/*/smtpd"]
rules:
  - id: smtpd.connect
    event: smtp.connect
    pattern: '^connect from %{PEER:client}$'
    examples:
      - line: 'Mar 14 00:00:31 mx1 postfix/smtpd[297535]: connect from host1.example.net[192.0.2.1]'
        fields: { client_host: host1.example.net, client_ip: 192.0.2.1 }
      - line: 'Mar 14 00:00:31 mx1 postfix/submission/smtpd[2]: connect from unknown[192.0.2.9]'
        fields: { client_host: unknown }
    non_matches:
      - 'Mar 14 00:00:31 mx1 postfix/smtpd[297535]: disconnect from host1.example.net[192.0.2.1]'
"""

let deliveryFile = """
programs: ["postfix*/smtp"]
rules:
  - id: smtp.delivery
    event: flow.delivery
    pattern: '^%{QUEUEID}: to=<(?<recipient>[^<>]*)>, relay=[^,]*, delay=(?<delay>[0-9.]+), delays=(?<delays>[0-9./]+), dsn=[0-9.]+, status=(?<status>\\w+) \\((?<reason>(?:[^)\\r\\n]++|\\)(?!$))*+)\\)$'
    transforms:
      delay: seconds
      delays: delays
      reason: map(defer_reason)
    examples:
      - line: 'Oct 30 13:08:09 mx1 postfix/smtp[16770]: 6E06752608: to=<a@example.com>, relay=none, delay=30, delays=0.06/0.02/30/0, dsn=4.4.1, status=deferred (connect to 192.0.2.1[192.0.2.1]:25: Connection timed out)'
        fields: { queue_id: 6E06752608, recipient: a@example.com, delay: "30", delays_before_qmgr: "0.06", delays_connect: "30", status: deferred, reason: connection_timeout }
"""
