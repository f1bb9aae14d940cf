import Benchmark
import ChungTayCoding
import ChungTayRules

/// Reviews and loan statuses per second on one core (the benchmarks are
/// single-threaded): rule evaluation alone on decoded records, and whole tasks from
/// payload bytes to result bytes (JSON decode, rules, JSON encode). Throughput is
/// reported in thousands of records per second (scaling factor kilo).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )
    let rules: RuleBook
    do {
        rules = try RuleBook.bundled()
    } catch {
        fatalError("rule data failed to load: \(error)")
    }
    let samples = SampleRecords(count: 1_000)
    let asOf = CivilDate(iso: SampleRecords.asOf)!

    Benchmark("household.review: rules only") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(
                try review(
                    household: samples.households[index % samples.households.count], asOf: asOf, rules: rules,
                    whatIf: index % 4 == 0
                )
            )
        }
    }

    Benchmark("household.review: JSON decode + rules + JSON encode") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try HouseholdReviewTask.run(payload: samples.householdPayloads[index % samples.householdPayloads.count], rules: rules))
        }
    }

    Benchmark("loan.status: rules only") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(loanStatus(loan: samples.loans[index % samples.loans.count], asOf: asOf, rules: rules))
        }
    }

    Benchmark("loan.status: JSON decode + rules + JSON encode") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try LoanStatusTask.run(payload: samples.loanPayloads[index % samples.loanPayloads.count], rules: rules))
        }
    }
}
