import Foundation

/// A 64-byte aligned block of memory owned by one or more tensors.
///
/// Freed blocks go back to a small size-keyed pool, so a training step that allocates the same activation sizes
/// every iteration reuses memory instead of mapping (and page-faulting) fresh pages each time.
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int

    /// Uninitialised storage of at least `byteCount` bytes.
    init(byteCount: Int) {
        self.byteCount = max(byteCount, 4)
        pointer = StoragePool.shared.take(byteCount: self.byteCount)
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

/// Keeps released blocks by exact size, up to a total cap, for reuse.
final class StoragePool: @unchecked Sendable {
    static let shared = StoragePool(capacityBytes: 2 << 30)

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var heldBytes = 0
    private let capacityBytes: Int

    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        lock.lock()
        if var blocks = free[byteCount], let block = blocks.popLast() {
            free[byteCount] = blocks.isEmpty ? nil : blocks
            heldBytes -= byteCount
            lock.unlock()
            return block
        }
        lock.unlock()
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
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
