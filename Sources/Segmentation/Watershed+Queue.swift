/// A binary min-heap of pixels keyed by `(value, insertion order)`.
///
/// The insertion order breaks ties, so pixels of equal value leave first-in first-out: a plateau is flooded
/// breadth-first from every side at once and splits evenly between the seeds that reach it.
/// Flat indices and the insertion count are stored as 32-bit numbers (callers keep grids under 2³¹ pixels).
struct PixelQueue {
    private struct Entry {
        var value: Float
        var order: UInt32
        var index: Int32

        @inline(__always) func precedes(_ other: Entry) -> Bool {
            value < other.value || (value == other.value && order < other.order)
        }
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt32 = 0

    init(capacity: Int) {
        heap.reserveCapacity(capacity)
    }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// Adds pixel `index` with priority `value`.
    mutating func push(_ index: Int, value: Float) {
        let entry = Entry(value: value, order: nextOrder, index: Int32(truncatingIfNeeded: index))
        nextOrder &+= 1
        heap.append(entry)
        heap.withUnsafeMutableBufferPointer { h in
            var child = h.count - 1
            while child > 0 {
                let parent = (child - 1) >> 1
                guard entry.precedes(h[parent]) else { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = entry
        }
    }

    /// Removes and returns the pixel with the lowest value (the earliest pushed among equals).
    mutating func pop() -> (index: Int, value: Float)? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return (Int(last.index), last.value) }
        let top = heap[0]
        heap.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                guard child < n else { break }
                if child + 1 < n && h[child + 1].precedes(h[child]) { child += 1 }
                guard h[child].precedes(last) else { break }
                h[parent] = h[child]
                parent = child
            }
            h[parent] = last
        }
        return (Int(top.index), top.value)
    }
}
