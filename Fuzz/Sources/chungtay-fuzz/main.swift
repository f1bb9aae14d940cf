import CLibFuzzer
import ChungTayFuzzTargets
import Foundation

// chungtay-fuzz: every decoder fuzz target in one libFuzzer executable (docs/ARCHITECTURE.md,
// "Fuzzing"; run them all with `scripts/fuzz`).
//
//   chungtay-fuzz TARGET [libFuzzer flags] [corpus directories or inputs]
//   chungtay-fuzz --list
//   chungtay-fuzz --write-seeds DIR      (DIR/TARGET/NAME for every target's seeds)
//
// The target may also come from CHUNGTAY_FUZZ_TARGET. The first argument is taken out
// before libFuzzer sees the rest, and put into CHUNGTAY_FUZZ_TARGET so that the processes
// libFuzzer starts itself (-fork, -merge) run the same target.

/// The target chosen before libFuzzer starts; read by the C callback, which cannot capture.
enum Selection {
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["CHUNGTAY_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget.named(name) else { fail("unknown fuzz target '\(name)'") }
        return target
    }()
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\nusage: chungtay-fuzz TARGET [libFuzzer arguments] | --list | --write-seeds DIR\ntargets: "
        + FuzzTarget.all.map(\.name).joined(separator: " ") + "\n").utf8))
    exit(2)
}

func writeSeeds(to directory: String) throws {
    for target in FuzzTarget.all {
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(target.name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for seed in target.seeds() {
            try Data(seed.bytes).write(to: folder.appendingPathComponent(seed.name))
        }
    }
}

var arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "--list":
    print(FuzzTarget.all.map(\.name).joined(separator: "\n"))
    exit(0)
case "--write-seeds":
    guard arguments.count == 3 else { fail("--write-seeds needs a directory") }
    do { try writeSeeds(to: arguments[2]) } catch { fail("cannot write the seeds: \(error)") }
    exit(0)
case let name? where FuzzTarget.named(name) != nil:
    setenv("CHUNGTAY_FUZZ_TARGET", name, 1)
    arguments.remove(at: 1)
default:
    break
}
_ = Selection.target

var argc = Int32(arguments.count)
let argvStorage = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
for (index, argument) in arguments.enumerated() { argvStorage[index] = strdup(argument) }
argvStorage[arguments.count] = nil
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argvStorage

exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do throws(FuzzFailure) {
        try Selection.target.run(input)
    } catch {
        fatalError("\(Selection.target.name): \(error)")
    }
    return 0
})
