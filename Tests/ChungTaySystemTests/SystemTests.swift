import Testing

/// End-to-end tests with real `chungtay` processes and sockets (issue 2, "What it must show").
///
/// Serialized: each test starts a dispatcher and workers, and on a 2-core machine tests
/// running side by side would starve each other's heartbeats. Tests wait for conditions
/// by polling with generous deadlines and never assert on elapsed time.
@Suite("ChungTay system", .serialized, .timeLimit(.minutes(3)))
struct SystemTests {}
