import ChungTayOperatorPage
import ChungTayWire
import Testing

@Suite struct LogTailQueryTests {
    @Test func parametersMapOntoTheFilters() throws {
        let query = try LogTailQuery(parameters: [
            ("level", "warning"), ("worker", "w1"), ("kind", "household.review"), ("batch", "B1"), ("grep", "lost"), ("tail", "50"),
            ("unknown", "ignored"), ("kind", ""),
        ])
        #expect(query == LogTailQuery(filter: LogFilter(minimumLevel: .warning, worker: "w1", kind: "household.review", batch: "B1", grep: "lost"), tail: 50))
        #expect(try LogTailQuery(parameters: []) == LogTailQuery())
    }

    @Test func badValuesAreRefused() {
        for parameter in [("level", "loud"), ("tail", "-1"), ("tail", "10001"), ("tail", "many"), ("grep", String(repeating: "x", count: 257))] {
            #expect(throws: LogTailQueryError.self, "\(parameter)") { try LogTailQuery(parameters: [parameter]) }
        }
    }
}
