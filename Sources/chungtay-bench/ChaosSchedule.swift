import ChungTaySampleData

/// The kills of a chaos run, drawn from its seed alone, so a seed that finds a defect
/// replays the same schedule.
///
/// A kill's moment is a point of the batch's progress (a fraction of the chunks to
/// accept and jobs to complete, which the undisturbed run counted) plus a few hundred
/// milliseconds, rather than a time: the same seed then hits the same phase of the
/// batch on a fast or a slow machine, and every kill lands while the batch runs. Points
/// may fall close together, so a process is sometimes killed again while it recovers.
struct ChaosSchedule: CustomStringConvertible {
    enum Victim: Hashable, CustomStringConvertible {
        case dispatcher
        case worker(Int)
        case client

        var processType: String {
            switch self {
            case .dispatcher: "dispatcher"
            case .worker: "worker"
            case .client: "client"
            }
        }

        var description: String {
            if case .worker(let index) = self { return "worker\(index + 1)" }
            return processType
        }
    }

    struct Round {
        var victim: Victim
        /// The share of the batch's work done when the kill is due (0 to 0.8: the rounds take
        /// time of their own, and the batch must not finish before the last one).
        var progress: Double
        /// Then this long before the kill…
        var delayMilliseconds: Int
        /// …and this long down before the restart.
        var downtimeMilliseconds: Int
    }

    let seed: UInt64
    let rounds: [Round]

    init(seed: UInt64, rounds count: Int, workers: Int) {
        self.seed = seed
        var random = SplitMix64(seed: seed)
        let victims: [(Victim, Int)] = [(.dispatcher, 35), (.client, 20)] + (0..<workers).map { (.worker($0), 45 / workers) }
        var rounds = (0..<count).map { _ in
            Round(victim: random.weighted(victims), progress: Double(random.int(in: 0...800)) / 1000,
                  delayMilliseconds: random.int(in: 0...250), downtimeMilliseconds: random.int(in: 0...600))
        }
        rounds.sort { $0.progress < $1.progress }
        self.rounds = rounds
    }

    var description: String {
        rounds.map { "\($0.victim)@\(Int($0.progress * 100))%+\($0.delayMilliseconds)ms/\($0.downtimeMilliseconds)ms" }
            .joined(separator: " ")
    }
}
