/// The generator behind every random choice of the sample data.
///
/// Foundation's generators are seeded from the system, so two runs would differ; the
/// sample files must be byte-identical for the same seed on every machine, which needs a
/// generator whose whole algorithm is fixed here (SplitMix64, Steele, Lea and Flood 2014).
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    /// A generator for record `index` of a run, so that a record depends only on the seed
    /// and its position and not on how many draws the records before it took.
    init(seed: UInt64, stream: UInt64, index: Int) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next() ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `range`; the standard library's algorithm is not promised to stay the
    /// same across Swift releases, so the reduction is done here.
    package mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    /// True with probability `percent` / 100.
    package mutating func chance(_ percent: Int) -> Bool {
        int(in: 0...99) < percent
    }

    /// True with probability `fraction` (0...1), to 1 part in 2^53.
    package mutating func chance(fraction: Double) -> Bool {
        Double(next() >> 11) < fraction * 9_007_199_254_740_992
    }

    package mutating func element<Element>(of elements: [Element]) -> Element {
        elements[int(in: 0...(elements.count - 1))]
    }

    /// An element drawn in proportion to its weight.
    package mutating func weighted<Element>(_ choices: [(Element, Int)]) -> Element {
        let total = choices.reduce(0) { $0 + $1.1 }
        var point = int(in: 0...(total - 1))
        for (element, weight) in choices {
            if point < weight { return element }
            point -= weight
        }
        return choices[choices.count - 1].0
    }
}
