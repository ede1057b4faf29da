import Foundation
import Testing
import MailslaSLA
@testable import Mailsla

@Suite struct ConfigLoaderTests {
    @Test func theShippedSampleConfigurationLoads() throws {
        let path = packageRoot.appendingPathComponent("samples/mailsla.yaml").path
        let c = try ConfigLoader.load(path: path)
        #expect(c.timeZoneName == "UTC")
        #expect(c.sla.objective == 0.995 && c.sla.minimum == 0.99)
        #expect(c.sla.serverMembers == ["smtp-in", "pop3"])
        #expect(c.sla.defaultService == ServicePolicy(intervalSeconds: 600, failureThreshold: 2))
        #expect(c.sla.recurringMaintenance.count == 1 && c.sla.maintenance.count == 1 && c.sla.manualExclusions.count == 1)
        #expect(c.sla.episodeMargins.beforeSeconds == 300 && c.sla.episodeMargins.afterSeconds == 900)
        #expect(c.flow.flowTimeoutSeconds == 600 && c.flow.maxAgeSeconds == 7 * 86400)
        #expect(c.probes == ["samples/probes.csv"])
    }

    @Test func everyKeyIsApplied() throws {
        let c = try ConfigLoader.parse("""
        timezone: Europe/Berlin
        rules: /opt/rules
        flow: { filter_addresses: [10.0.0.5], filter_timeout: 15m, grace: 30s }
        sla:
          objective: 0.999
          minimum: 99%
          exclusion_policy: overlap
          services: { smtp-in: { interval: 1m, threshold: 3 } }
        detection:
          trusted_networks: [192.0.2.0/24]
          monitors: [198.51.100.7]
          max_client_keys: 100000
          max_name_keys: 20000
          conn_per_client: { window: 2m, open: 100, close: 30, quiet: 10m }
          mailbomb_per_recipient: { open: 80, factor: 8, half_life: 7d }
        """, path: "test.yaml")
        #expect(c.timeZoneName == "Europe/Berlin" && c.sla.timeZone.identifier == "Europe/Berlin")
        #expect(c.rulesDirectory == "/opt/rules")
        #expect(c.flow.filterAddresses == ["10.0.0.5"] && c.flow.flowTimeoutSeconds == 900 && c.flow.graceSeconds == 30)
        #expect(c.sla.objective == 0.999 && c.sla.minimum == 0.99 && c.sla.exclusionPolicy == .overlap)
        #expect(c.sla.service("smtp-in") == ServicePolicy(intervalSeconds: 60, failureThreshold: 3))
        #expect(c.detection.trustedNetworks == ["192.0.2.0/24"] && c.detection.monitorAddresses == ["198.51.100.7"])
        #expect(c.detection.connPerClient.windowSeconds == 120 && c.detection.connPerClient.open == 100)
        #expect(c.detection.connPerClient.close == 30 && c.detection.connPerClient.quietSeconds == 600)
        #expect(c.detection.mailbombPerRecipient.window.open == 80 && c.detection.mailbombPerRecipient.factor == 8)
        #expect(c.detection.mailbombPerRecipient.halfLifeSeconds == 7 * 86400)
        #expect(c.detection.maxClientKeys == 100_000 && c.detection.maxNameKeys == 20_000)
    }

    @Test func badInputIsRefusedWithTheLineAndWhatToDo() {
        #expect(refusal("timezon: UTC").hasPrefix("bad.yaml:1: unknown key 'timezon' in the configuration"))
        #expect(refusal("timezone: Mars/Base") == "bad.yaml:1: unknown time zone 'Mars/Base': use an IANA name such as UTC or Europe/Berlin")
        #expect(refusal("flow:\n  grace: soon") == "bad.yaml:2: flow.grace: 'soon' is not a duration (e.g. 90s, 5m, 2h, 1h30m)")
        #expect(refusal("sla:\n  objective: 2") == "bad.yaml:2: sla.objective must be a fraction such as 0.995, or a percentage such as 99.5%")
        #expect(refusal("sla:\n  exclusion_policy: some") == "bad.yaml:2: sla.exclusion_policy must be 'incident' or 'overlap', not 'some'")
        #expect(refusal("sla:\n  maintenance:\n    - { every: \"Someday 02:00 for 2h\", reason: x }").hasPrefix("bad.yaml:3: every:"))
        #expect(refusal("sla:\n  maintenance:\n    - { start: yesterday, end: today, reason: x }").hasPrefix("bad.yaml:3: start and end must be RFC 3339"))
        #expect(refusal("detection:\n  conn_per_client: { open: 5, close: 9 }").hasPrefix("bad.yaml:2: detection.conn_per_client: close (9) must not be above open (5)"))
        #expect(refusal("sla:\n  objective: 0.99\n  minimum: 0.995").hasPrefix("bad.yaml: sla: minimum (0.995) must not be above the objective"))
        #expect(refusal("sla: [1, 2").hasPrefix("bad.yaml: YAML error"))
        #expect(refusal("detection:\n  max_client_keys: 10").hasPrefix("bad.yaml:2: detection.max_client_keys"))
    }
}
