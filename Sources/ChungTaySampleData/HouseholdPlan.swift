import ChungTayCoding
/// What a sample household is meant to be under the 2022-2025 standard as of
/// 2026-11-30: its computed class and its status on the approved list.
///
/// The pair is drawn so that most households keep their list status (change `none`), as
/// on a real list, while every change of RULES.md 1.5 occurs: the list status is the
/// lever, since the change is read off the pair.
struct HouseholdPlan {
    enum Class {
        case poor, nearPoor, average, above
    }

    let computed: Class
    /// A list status of SCHEMA.md; nil writes no `listStatus` at all (meaning `none`).
    let listStatus: String?
    let listStatusSince: CivilDate?

    var isPoorOrNearPoor: Bool { computed == .poor || computed == .nearPoor }

    init(using random: inout SplitMix64) {
        computed = random.weighted([(.poor, 12), (.nearPoor, 10), (.average, 28), (.above, 50)])
        let status: String =
            switch computed {
            case .poor:
                random.weighted([("poor", 70), ("near_poor", 10), ("none", 10), ("newly_escaped", 5), ("average", 5)])
            case .nearPoor:
                random.weighted([("near_poor", 65), ("poor", 15), ("none", 10), ("average", 5), ("newly_escaped", 5)])
            case .average:
                random.weighted([("average", 60), ("none", 15), ("poor", 8), ("near_poor", 7), ("newly_escaped", 10)])
            case .above:
                random.weighted([("none", 75), ("average", 10), ("newly_escaped", 8), ("poor", 4), ("near_poor", 3)])
            }
        if status == "none" {
            listStatus = random.chance(50) ? "none" : nil
            listStatusSince = nil
            return
        }
        listStatus = status
        // Lists are approved at the end of each year's review season (1 September to 14
        // December); a newly-escaped status approved in December 2022 or earlier has
        // run its three years by 2026-11-30, a later one has not.
        let year = random.weighted([(2021, 15), (2022, 25), (2023, 25), (2024, 20), (2025, 15)])
        listStatusSince = status == "newly_escaped" || random.chance(80)
            ? CivilDate.fixed(year, 12, random.int(in: 1...20)) : nil
    }
}
