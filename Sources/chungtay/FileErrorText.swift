import Foundation

/// What a file error says to a person. corelibs Foundation wraps a failed read or write in
/// a `CocoaError` whose description is `Error Domain=NSCocoaErrorDomain Code=256 "(null)"…`
/// around the POSIX error; that error's own text ("Is a directory", "No space left on
/// device") is what the message needs.
func fileErrorText(_ error: any Error) -> String {
    let bridged = error as NSError
    let cause = bridged.userInfo[NSUnderlyingErrorKey] as? NSError ?? bridged
    guard cause.domain == NSPOSIXErrorDomain, let code = Int32(exactly: cause.code) else { return "\(error)" }
    return String(cString: strerror(code))
}
