import Testing
@testable import ChungTayWire

/// The reply documents the dispatcher encodes and clients decode with one type each. The
/// expected bytes were captured from the dispatcher before the types were shared (its own
/// `Encodable` mirrors then), so a change of key order, number format or escaping shows here.
@Suite struct ReplyDocumentTests {
    /// `chungtay status --json` of a dispatcher with one native worker, as sent before.
    static let capturedStatus = #"{"clientEndpoint":"tcp:\/\/127.0.0.1:47555","deadLetters":0,"draining":false,"pendingMajordomoReplies":0,"pendingWaits":0,"queues":{"household.review":{"completed":1,"dead":0,"delayed":0,"queued":0,"running":0},"loan.status":{"completed":2,"dead":0,"delayed":0,"queued":0,"running":0},"notify.emit":{"completed":2,"dead":0,"delayed":0,"queued":0,"running":0},"system.echo":{"completed":1,"dead":0,"delayed":0,"queued":0,"running":0}},"uptimeSeconds":4,"workerEndpoint":"tcp:\/\/127.0.0.1:47556","workers":[{"credit":128,"inFlight":0,"kinds":["system.echo","household.review","loan.status","notify.emit"],"lastSeenSecondsAgo":0.5,"name":"w1","protocol":"native"}]}"#

    /// `chungtay batch status B000001 --json` of a completed 300-household batch, as sent before.
    static let capturedBatchStatus = #"{"asOf":"2026-03-01","audit":{"completedAt":"2026-12-03T22:14:14.846Z","inputs":["households.csv 50822 96df24b9442a59e9","loans.csv 23867 b4d9d78b53f0b37c"],"sealedAt":"2026-12-03T22:14:14.721Z","submittedAt":"2026-12-03T22:14:14.696Z","submittedBy":"uid0@vm","workers":["w1"]},"chunks":{"households":1,"householdsAccepted":1,"loans":1,"loansAccepted":1},"dataDirectory":"/tmp/vocab-cap/before/data","households":300,"id":"B000001","inputErrors":1,"jobs":{"completed":5,"dead":0,"queued":0},"loanStatuses":234,"loans":234,"name":"cap","notifications":126,"reviewed":300,"state":"complete","summary":{"byChange":{"entered_poverty":8,"escaped":22,"near_poor_to_poor":5,"newly_escaped_expired":8,"none":245,"poor_to_near_poor":11,"reentered":1},"byCommune":{"Bắc Ruộng":{"above":19,"average":10,"near_poor":1,"newly_escaped":2,"poor":3},"Nghị Đức":{"above":21,"average":8,"near_poor":5,"newly_escaped":9,"poor":1,"unclassified":2},"Suối Kiết":{"above":23,"average":10,"near_poor":6,"newly_escaped":4,"poor":5,"unclassified":3},"Tánh Linh":{"above":44,"average":22,"near_poor":7,"newly_escaped":8,"poor":9,"unclassified":6},"Đồng Kho":{"above":30,"average":13,"near_poor":8,"newly_escaped":7,"poor":8,"unclassified":6}},"flagsByCode":{"area_invalid":1,"citizen_id_format":2,"citizen_id_province":2,"commune_renamed":123,"counts_exceed_members":1,"date_invalid":7,"duplicate_citizen_id":2,"duplicate_household_code":2,"extended":4,"field_invalid":9,"field_missing":2,"household_not_in_list":3,"housing_area_invalid":1,"income_missing":1,"members_invalid":1,"misuse":3,"overpaid":1,"record_unreadable":1},"loansByOverdueBucket":{"1-90":2,"181-360":1,"91-180":2,">360":7},"loansByStatus":{"current":165,"due_soon":2,"frozen":9,"overdue":12,"settled":31,"unassessed":12,"written_off":3},"notificationsByType":{"data_correction":29,"due_reminder":2,"list_change":55,"overdue_notice":12,"supplement_candidate":28},"totals":{"outstanding":6815475042,"overduePrincipal":139425000}},"whatIf":false}"#

    static let status = StatusReport(
        clientEndpoint: "tcp://127.0.0.1:47555", workerEndpoint: "tcp://127.0.0.1:47556", draining: false, uptimeSeconds: 4,
        workers: [StatusReport.Worker(
            name: "w1", protocol: "native", kinds: ["system.echo", "household.review", "loan.status", "notify.emit"],
            credit: 128, inFlight: 0, lastSeenSecondsAgo: 0.5)],
        queues: [
            "household.review": StatusReport.Queue(queued: 0, delayed: 0, running: 0, completed: 1, dead: 0),
            "loan.status": StatusReport.Queue(queued: 0, delayed: 0, running: 0, completed: 2, dead: 0),
            "notify.emit": StatusReport.Queue(queued: 0, delayed: 0, running: 0, completed: 2, dead: 0),
            "system.echo": StatusReport.Queue(queued: 0, delayed: 0, running: 0, completed: 1, dead: 0),
        ],
        deadLetters: 0, pendingWaits: 0, pendingMajordomoReplies: 0)

    /// The same report as sent since the operator figures were added (issue 11): the
    /// captured keys and values unchanged, the new ones beside them.
    static let encodedStatus = #"{"batches":[],"clientEndpoint":"tcp:\/\/127.0.0.1:47555","deadLetters":0,"draining":false,"journalCommitDurations":{"boundsSeconds":[0.001,0.0025,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10,30,60],"count":0,"counts":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"sumNanoseconds":0},"leasesInFlight":0,"logRecordsDropped":0,"pendingMajordomoReplies":0,"pendingWaits":0,"queues":{"household.review":{"completed":1,"dead":0,"delayed":0,"oldestWaitingSeconds":0,"queued":0,"retriesWaiting":0,"running":0},"loan.status":{"completed":2,"dead":0,"delayed":0,"oldestWaitingSeconds":0,"queued":0,"retriesWaiting":0,"running":0},"notify.emit":{"completed":2,"dead":0,"delayed":0,"oldestWaitingSeconds":0,"queued":0,"retriesWaiting":0,"running":0},"system.echo":{"completed":1,"dead":0,"delayed":0,"oldestWaitingSeconds":0,"queued":0,"retriesWaiting":0,"running":0}},"taskDurations":{},"tasks":{},"uptimeSeconds":4,"workerEndpoint":"tcp:\/\/127.0.0.1:47556","workers":[{"credit":128,"done":0,"failed":0,"inFlight":0,"kinds":["system.echo","household.review","loan.status","notify.emit"],"lastHeartbeatSecondsAgo":0.5,"lastSeenSecondsAgo":0.5,"name":"w1","protocol":"native","state":"idle","tasksPerSecond":0}]}"#

    @Test func aStatusReportEncodesToTheBytesTheDispatcherSends() throws {
        #expect(String(decoding: try Self.status.encoded(), as: UTF8.self) == Self.encodedStatus)
    }

    /// A client still reads an older dispatcher's report: the newer fields take their defaults.
    @Test func aStatusReportRoundTrips() throws {
        #expect(try StatusReport(json: Array(Self.capturedStatus.utf8)) == Self.status)
        #expect(try StatusReport(json: Array(Self.encodedStatus.utf8)) == Self.status)
        #expect(try StatusReport(json: try Self.status.encoded()) == Self.status)
    }

    @Test func aBatchStatusRoundTripsToTheBytesTheDispatcherSent() throws {
        let status = try BatchStatus(json: Array(Self.capturedBatchStatus.utf8))
        #expect(status.isComplete)
        #expect(status.households == 300 && status.chunks.households == 1 && status.audit.workers == ["w1"])
        #expect(status.summary.children["totals"] == .node(["outstanding": .value(6_815_475_042), "overduePrincipal": .value(139_425_000)]))
        #expect(String(decoding: try status.encoded(), as: UTF8.self) == Self.capturedBatchStatus)
        #expect(String(decoding: try BatchStatus.encoded([status, status]), as: UTF8.self)
            == "[" + Self.capturedBatchStatus + "," + Self.capturedBatchStatus + "]")
        #expect(try BatchStatus.list(json: try BatchStatus.encoded([status])) == [status])
    }

    /// An open batch has no declared chunk counts, input errors, seal or completion yet:
    /// those keys are left out, never sent as null.
    @Test func anOpenBatchLeavesItsMissingValuesOut() throws {
        let open = BatchStatus(
            id: "B000002", name: "a/b", state: BatchStatus.accepting, asOf: "2026-03-01", whatIf: true, households: 500, loans: 0,
            reviewed: 0, loanStatuses: 0, notifications: 0, inputErrors: nil,
            chunks: .init(householdsAccepted: 1, loansAccepted: 0, households: nil, loans: nil),
            jobs: .init(queued: 1, completed: 0, dead: 0), summary: CounterTree([:]),
            audit: .init(submittedBy: "u@h", submittedAt: "2026-12-03T22:14:14.696Z", sealedAt: nil, completedAt: nil,
                         inputs: ["households.csv 1 2"], workers: []),
            dataDirectory: "/var/chungtay")
        let expected = #"{"asOf":"2026-03-01","audit":{"inputs":["households.csv 1 2"],"submittedAt":"2026-12-03T22:14:14.696Z","submittedBy":"u@h","workers":[]},"chunks":{"householdsAccepted":1,"loansAccepted":0},"dataDirectory":"/var/chungtay","households":500,"id":"B000002","jobs":{"completed":0,"dead":0,"queued":1},"loanStatuses":0,"loans":0,"name":"a/b","notifications":0,"reviewed":0,"state":"accepting","summary":{},"whatIf":true}"#
        #expect(String(decoding: try open.encoded(), as: UTF8.self) == expected)
        #expect(try BatchStatus(json: Array(expected.utf8)) == open)
        #expect(!open.isComplete)
    }

    @Test func counterPathsBecomeNestedObjects() throws {
        let tree = CounterTree(["byChange/none": 3, "byCommune/Tánh Linh/poor": 2, "a%2Fb": 1, "accepted/households": 9],
                               excluding: ["accepted"])
        #expect(String(decoding: try ReplyJSON.encode(tree, escapingSlashes: false), as: UTF8.self)
            == #"{"a/b":1,"byChange":{"none":3},"byCommune":{"Tánh Linh":{"poor":2}}}"#)
    }

    @Test func aValueJSONCannotHoldIsAnEncodingError() {
        var status = Self.status
        status.uptimeSeconds = .infinity
        let error = #expect(throws: WireError.self) { try status.encoded() }
        #expect(error?.code == .encodingFailed)
    }

    @Test func aDocumentOfAnotherShapeIsMalformed() {
        for document in ["{}", "[]", "not json", #"{"id":"B1"}"#] {
            #expect((#expect(throws: WireError.self) { try BatchStatus(json: Array(document.utf8)) })?.code == .malformed)
            #expect((#expect(throws: WireError.self) { try StatusReport(json: Array(document.utf8)) })?.code == .malformed)
        }
    }
}
