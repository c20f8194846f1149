import Tensors

/// What the server computes with, for `GET /api/info`.
enum ComputeFacts {
    /// The compute library and its version ("oneDNN 2.7.3").
    static var library: String { "oneDNN \(Engine.libraryVersion)" }
    /// Threads each computation uses.
    static var threads: Int { Engine.cpu.threadCount }
}
