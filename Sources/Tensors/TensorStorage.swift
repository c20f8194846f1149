import Foundation

/// A 64-byte aligned block of memory owned by one or more tensors.
///
/// Freed blocks go back to a pool (`StoragePool`), so a training step that allocates the same activation sizes
/// every iteration reuses memory instead of mapping (and page-faulting) fresh pages each time. `byteCount` is the
/// block's size, which may exceed the size asked for.
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int

    /// Uninitialised storage of at least `byteCount` bytes.
    init(byteCount: Int) {
        (pointer, self.byteCount) = StoragePool.shared.take(byteCount: max(byteCount, 4))
    }

    /// Storage filled with zero bytes.
    convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: self.byteCount)
    }

    deinit { StoragePool.shared.give(pointer, byteCount: byteCount) }

    /// The storage as `count` Float32 values.
    func floats(count: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer.assumingMemoryBound(to: Float.self), count: count)
    }
}

/// Keeps released blocks, up to a total cap, for reuse.
///
/// A request takes a pooled block of exactly its size when there is one (a training step asks for the same sizes
/// every iteration), else the smallest pooled block less than twice its size. The near fit matters for inference,
/// which releases activations early and seldom asks twice for a size: with exact matching only, every released
/// activation would stay pooled and the peak would be the sum of all activations instead of the live ones.
final class StoragePool: @unchecked Sendable {
    static let shared = StoragePool(capacityBytes: 2 << 30)

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var heldBytes = 0
    private let capacityBytes: Int

    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    /// A block of at least `byteCount` bytes and its actual size: a pooled block of exactly that size, else the
    /// smallest pooled block less than twice as large, else a new one.
    func take(byteCount: Int) -> (UnsafeMutableRawPointer, Int) {
        lock.lock()
        defer { lock.unlock() }
        let size = free[byteCount] != nil ? byteCount : free.keys.filter { $0 > byteCount && $0 < 2 * byteCount }.min()
        if let size, var blocks = free[size], let block = blocks.popLast() {
            free[size] = blocks.isEmpty ? nil : blocks
            heldBytes -= size
            return (block, size)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64), byteCount)
    }

    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        lock.lock()
        if heldBytes + byteCount <= capacityBytes {
            free[byteCount, default: []].append(pointer)
            heldBytes += byteCount
            lock.unlock()
            return
        }
        lock.unlock()
        pointer.deallocate()
    }

    /// Returns every pooled block to the system (e.g. after training, before a long idle period).
    func drain() {
        lock.lock()
        let blocks = free.values.flatMap { $0 }
        free = [:]
        heldBytes = 0
        lock.unlock()
        for block in blocks { block.deallocate() }
    }
}
