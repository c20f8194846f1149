import Foundation

/// Layout-agnostic loops over tensors' storage. They only compute functions that map zeros to zero, so the
/// padding of blocked layouts (which oneDNN keeps at zero) stays zero.
enum StorageKernels {
    /// Elements below which a loop runs on one thread.
    static let parallelThreshold = 1 << 16

    /// Calls `body` on disjoint chunks covering `0..<count`, on up to `threads` threads.
    static func forEachChunk(
        _ count: Int, minimumChunk: Int = parallelThreshold, threads maximumThreads: Int = Engine.cpu.threadCount,
        _ body: (Range<Int>) -> Void
    ) {
        let threads = min(maximumThreads, max(1, count / minimumChunk))
        guard threads > 1 else {
            body(0..<count)
            return
        }
        let chunk = (count + threads - 1) / threads
        withoutActuallyEscaping(body) { body in
            // The chunks are disjoint, so the threads never touch the same elements.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { index in
                let start = index * chunk
                let end = min(count, start + chunk)
                if start < end { shared.value(start..<end) }
            }
        }
    }

    /// `result[i] = f(a[i], b[i])` over equal-layout tensors.
    static func zip(_ a: Tensor, _ b: Tensor, _ f: @escaping (Float, Float) -> Float) -> Tensor {
        precondition(a.layout == b.layout, "storage kernels need equal layouts")
        let result = Tensor(layout: a.layout)
        let x = a.storageFloats
        let y = b.storageFloats
        let out = result.storageFloats
        forEachChunk(out.count) { range in
            for index in range { out[index] = f(x[index], y[index]) }
        }
        return result
    }
}

/// Hands a value to concurrent code that the caller has made race-free.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension Tensor {
    /// Elementwise sum with a tensor of the same shape, in this tensor's layout. Not recorded for autodiff.
    func adding(_ other: Tensor) throws -> Tensor {
        guard other.shape == shape else { throw TensorsError.shapeMismatch(op: "add", lhs: shape, rhs: other.shape) }
        return StorageKernels.zip(self, try other.reordered(to: layout), +)
    }
}
