import CDNNL
import Foundation
import Synchronization

/// The oneDNN CPU engine and the stream every primitive runs on, plus the primitive cache.
///
/// oneDNN streams are not thread-safe, so executions are serialised by a lock; the parallelism is inside
/// each primitive (oneDNN's OpenMP pool, sized by `threadCount`).
public final class Engine: @unchecked Sendable {
    /// The process-wide CPU engine.
    public static let cpu = Engine()

    let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    private let lock = NSLock()
    private var cache: [String: Primitive] = [:]
    private var scratchpad = TensorStorage(byteCount: 64)

    private init() {
        var engine: dnnl_engine_t?
        var stream: dnnl_stream_t?
        // Without a CPU engine nothing in CellScribe can run: failing here is a broken installation.
        precondition(dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, "oneDNN could not create a CPU engine")
        precondition(
            dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success,
            "oneDNN could not create a stream")
        self.engine = engine!
        self.stream = stream!
    }

    /// Threads each primitive and Swift kernel uses (default: OpenMP's default, all cores unless OMP_NUM_THREADS
    /// says otherwise). OpenMP keeps the setting per calling thread, so `execute` applies it on whichever thread
    /// runs a primitive.
    public var threadCount: Int {
        get { configuredThreads.withLock { $0 } }
        set { configuredThreads.withLock { $0 = max(1, newValue) } }
    }
    private let configuredThreads = Mutex(Int(omp_get_max_threads()))

    /// The oneDNN library's version, such as "2.6.0".
    public static var libraryVersion: String {
        let version = dnnl_version().pointee
        return "\(version.major).\(version.minor).\(version.patch)"
    }

    /// Runs `primitive` with `arguments` (oneDNN argument id, tensor) and waits for it. The scratchpad the
    /// primitive needs comes from one buffer shared by all executions (they are serialised).
    func execute(_ primitive: Primitive, _ arguments: [(Int32, Tensor)], op: String, shapes: [[Int]]) throws {
        var execArguments = try arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: try $0.1.memory()) }
        let scratchLayout = primitive.memoryDescriptor(dnnl_query_scratchpad_md)
        let threads = Int32(threadCount)
        lock.lock()
        defer { lock.unlock() }
        if omp_get_max_threads() != threads { omp_set_num_threads(threads) }
        var scratchMemory: dnnl_memory_t?
        let scratchBytes = scratchLayout.byteCount
        if scratchBytes > 0 {
            if scratchpad.byteCount < scratchBytes { scratchpad = TensorStorage(byteCount: scratchBytes) }
            try withUnsafePointer(to: scratchLayout.raw) { md in
                try check(dnnl_memory_create(&scratchMemory, md, engine, scratchpad.pointer), op, shapes)
            }
            execArguments.append(dnnl_exec_arg_t(arg: Argument.scratchpad, memory: scratchMemory))
        }
        defer { if let scratchMemory { dnnl_memory_destroy(scratchMemory) } }
        try execArguments.withUnsafeBufferPointer { args in
            try check(
                dnnl_primitive_execute(primitive.primitive, stream, Int32(args.count), args.baseAddress), op, shapes)
        }
        try check(dnnl_stream_wait(stream), op, shapes)
    }

    /// The cached primitive for `key`, or the one `make` creates (then cached).
    func primitive(_ key: String, make: () throws -> Primitive) throws -> Primitive {
        lock.lock()
        if let cached = cache[key] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let made = try make()
        lock.lock()
        defer { lock.unlock() }
        if let raced = cache[key] { return raced }
        cache[key] = made
        return made
    }
}
