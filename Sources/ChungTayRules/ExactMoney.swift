/// Exact money arithmetic for interest: products and sums are kept as one integer
/// numerator over an integer denominator and rounded half up once at the end, so no
/// intermediate rounding (per instalment or per day) can drift by a đồng.
///
/// Int128 holds any realistic product (principal × rate digits × days × surcharge
/// digits); absurd record values saturate instead of trapping.
enum ExactMoney {
    static func product(_ factors: Int128...) -> Int128 {
        var result: Int128 = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return (result < 0) != (factor < 0) ? .min : .max }
            result = next
        }
        return result
    }

    static func sum(_ lhs: Int128, _ rhs: Int128) -> Int128 {
        let (total, overflow) = lhs.addingReportingOverflow(rhs)
        if overflow { return rhs < 0 ? .min : .max }
        return total
    }

    /// `numerator / denominator` rounded half up, for a non-negative numerator and a
    /// positive denominator: `floor((2n + d) / 2d)`.
    static func roundedHalfUp(_ numerator: Int128, over denominator: Int128) -> Int {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        let roundsUp = remainder >= denominator - remainder
        return Int(clamping: roundsUp ? quotient + 1 : quotient)
    }
}
