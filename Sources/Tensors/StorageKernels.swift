import CDNNL
import Foundation

/// Layout-agnostic loops over tensors' storage. They only compute functions that map zeros to zero, so the
/// padding of blocked layouts (which oneDNN keeps at zero) stays zero.
enum StorageKernels {
    /// Elements below which a loop runs on one thread.
    static let parallelThreshold = 1 << 16

    /// Calls `body` on disjoint chunks covering `0..<count`, on up to `threads` threads.
    ///
    /// The chunks run on an OpenMP team, the same threads oneDNN's primitives use: Dispatch threads would compete
    /// for the cores with OpenMP's workers, which spin for a while after each primitive.
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
            var region = ParallelRegion(count: count, chunk: chunk, body: body)
            withUnsafeMutablePointer(to: &region) { pointer in
                GOMP_parallel(
                    { context in
                        // OpenMP may grant fewer threads than asked (nesting, OMP_THREAD_LIMIT, dynamic
                        // teams), so each thread strides over the chunks by the team size it actually got.
                        let region = context!.assumingMemoryBound(to: ParallelRegion.self).pointee
                        let teamSize = Int(omp_get_num_threads())
                        var chunkIndex = Int(omp_get_thread_num())
                        while chunkIndex * region.chunk < region.count {
                            let start = chunkIndex * region.chunk
                            region.body(start..<min(region.count, start + region.chunk))
                            chunkIndex += teamSize
                        }
                    }, pointer, UInt32(threads), 0)
            }
        }
    }

    /// What each thread of a parallel region needs to find and run its chunk.
    private struct ParallelRegion {
        let count: Int
        let chunk: Int
        let body: (Range<Int>) -> Void
    }

    /// `result[i] = a[i] + b[i]` over equal-layout tensors.
    static func sum(_ a: Tensor, _ b: Tensor) -> Tensor {
        pairwise(a, b) { x, y, out, range in
            for index in range { out[index] = x[index] + y[index] }
        }
    }

    /// The gradient through a ReLU (and a dropout scale): `gradient[i] · scale` where `output[i] > 0`, else 0, over
    /// equal-layout tensors.
    static func reluGradient(_ gradient: Tensor, output: Tensor, scale: Float) -> Tensor {
        pairwise(gradient, output) { g, y, out, range in
            for index in range { out[index] = y[index] > 0 ? g[index] * scale : 0 }
        }
    }

    /// A new tensor in `a`'s layout whose storage `chunk` fills from `a`'s and `b`'s (equal layouts), a range of
    /// storage offsets per call, ranges in parallel. The loop lives in `chunk`, so the element operation is compiled
    /// into it: a closure called per element took three times as long.
    private static func pairwise(
        _ a: Tensor, _ b: Tensor,
        _ chunk: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
    ) -> Tensor {
        precondition(a.layout == b.layout, "storage kernels need equal layouts")
        let result = Tensor(layout: a.layout)
        let x = UncheckedSendable(UnsafePointer(a.storageFloats.baseAddress!))
        let y = UncheckedSendable(UnsafePointer(b.storageFloats.baseAddress!))
        let out = UncheckedSendable(result.storageFloats.baseAddress!)
        withExtendedLifetime((a, b)) {
            forEachChunk(result.storageCount) { range in chunk(x.value, y.value, out.value, range) }
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
        return StorageKernels.sum(self, try other.reordered(to: layout))
    }
}
