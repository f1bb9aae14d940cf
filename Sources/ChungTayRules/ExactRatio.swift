/// Exact comparison of two fractions without the overflow that cross-multiplying
/// could hit: integer parts are compared first, then the remainders' reciprocals
/// (a continued-fraction expansion), which only ever divides.
enum ExactRatio {
    /// The sign of `a/b − c/d`, for denominators `b`, `d` > 0.
    static func compare(_ a: Int128, _ b: Int128, _ c: Int128, _ d: Int128) -> Int {
        if a < 0 || c < 0 {
            if a >= 0 { return 1 }
            if c >= 0 { return -1 }
            return compareNonNegative(-c, d, -a, b)
        }
        return compareNonNegative(a, b, c, d)
    }

    private static func compareNonNegative(_ a: Int128, _ b: Int128, _ c: Int128, _ d: Int128) -> Int {
        var (a, b, c, d) = (a, b, c, d)
        var sign = 1
        while true {
            let (q1, r1) = a.quotientAndRemainder(dividingBy: b)
            let (q2, r2) = c.quotientAndRemainder(dividingBy: d)
            if q1 != q2 { return q1 < q2 ? -sign : sign }
            if r1 == 0 || r2 == 0 {
                if r1 == r2 { return 0 }
                return r1 == 0 ? -sign : sign
            }
            // r1/b vs r2/d has the opposite order of b/r1 vs d/r2.
            (a, b, c, d) = (b, r1, d, r2)
            sign = -sign
        }
    }
}
