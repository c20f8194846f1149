import CDNNL

/// Elementwise binary operations with broadcasting.
///
/// Operands have the same rank (prepend 1s with `reshaped(_:)` otherwise); along each axis the extents are equal
/// or one of them is 1. The result has the larger extent on each axis.
extension Tensor {
    /// `self + other`, broadcasting.
    public func adding(broadcast other: Tensor) throws -> Tensor { try binary(.add, other) }
    /// `self - other`, broadcasting.
    public func subtracting(_ other: Tensor) throws -> Tensor { try binary(.subtract, other) }
    /// `self * other`, broadcasting.
    public func multiplied(by other: Tensor) throws -> Tensor { try binary(.multiply, other) }
    /// `self / other`, broadcasting.
    public func divided(by other: Tensor) throws -> Tensor { try binary(.divide, other) }

    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(.add, rhs) }
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(.subtract, rhs) }
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(.multiply, rhs) }
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(.divide, rhs) }

    enum BinaryOperation: String {
        case add, subtract, multiply, divide

        var algorithm: dnnl_alg_kind_t {
            switch self {
            case .add: dnnl_binary_add
            case .subtract: dnnl_binary_sub
            case .multiply: dnnl_binary_mul
            case .divide: dnnl_binary_div
            }
        }
    }

    /// The broadcast result shape of two operands.
    static func broadcastShape(_ lhs: [Int], _ rhs: [Int], op: String) throws -> [Int] {
        guard lhs.count == rhs.count else { throw TensorsError.shapeMismatch(op: op, lhs: lhs, rhs: rhs) }
        return try zip(lhs, rhs).map { a, b in
            guard a == b || a == 1 || b == 1 else { throw TensorsError.shapeMismatch(op: op, lhs: lhs, rhs: rhs) }
            return max(a, b)
        }
    }

    func binary(_ operation: BinaryOperation, _ other: Tensor) throws -> Tensor {
        let op = operation.rawValue
        let shape = try Tensor.broadcastShape(self.shape, other.shape, op: op)
        // oneDNN broadcasts only its second operand, so a first operand that needs broadcasting is expanded.
        let left = self.shape == shape ? self : try withoutGradients { try Tensor.zeros(shape).binary(.add, self) }
        let output = try Tensor.executeBinary(operation.algorithm, left, other, op: op)
        // Only the operands that take part in training get a gradient (a mask or weight operand costs nothing).
        let (lhsWanted, rhsWanted) = (self.requiresGradient, other.requiresGradient)
        return output.recorded(as: op, from: [self, other]) { [unowned output] gradient in
            let lhsGradient: Tensor?
            let rhsGradient: Tensor?
            switch operation {
            case .add:
                (lhsGradient, rhsGradient) = (gradient, gradient)
            case .subtract:
                (lhsGradient, rhsGradient) = (gradient, rhsWanted ? try gradient.scaled(by: -1) : nil)
            case .multiply:
                lhsGradient = lhsWanted ? try gradient.binary(.multiply, other) : nil
                rhsGradient = rhsWanted ? try gradient.binary(.multiply, self) : nil
            case .divide:
                let lhs = try gradient.binary(.divide, other)
                (lhsGradient, rhsGradient) = (lhs, rhsWanted ? try lhs.binary(.multiply, output).scaled(by: -1) : nil)
            }
            return [
                lhsWanted ? try lhsGradient?.summed(toShape: self.shape) : nil,
                rhsWanted ? try rhsGradient?.summed(toShape: other.shape) : nil,
            ]
        }
    }

    /// Runs a oneDNN binary primitive; `rhs` may broadcast, `lhs` has the result's shape.
    static func executeBinary(_ algorithm: dnnl_alg_kind_t, _ lhs: Tensor, _ rhs: Tensor, op: String) throws -> Tensor {
        // A broadcast operand is read in plain layout; a full-size one in the first operand's layout.
        let right = try rhs.reordered(to: rhs.shape == lhs.shape ? lhs.layout : .plain(rhs.shape))
        let key = "binary|\(algorithm.rawValue)|\(lhs.layout.key)|\(right.layout.key)"
        let primitive = try Engine.cpu.primitive(key) {
            var source0 = lhs.layout.raw
            var source1 = right.layout.raw
            var destination = lhs.layout.raw
            var descriptor = dnnl_binary_desc_t()
            try check(
                dnnl_binary_desc_init(&descriptor, algorithm, &source0, &source1, &destination), op,
                [lhs.shape, rhs.shape])
            return try Primitive(&descriptor, op: op, shapes: [lhs.shape, rhs.shape])
        }
        let output = Tensor(layout: lhs.layout)
        try Engine.cpu.execute(
            primitive, [(Argument.source, lhs), (Argument.source1, right), (Argument.destination, output)], op: op,
            shapes: [lhs.shape, rhs.shape])
        return output
    }

    /// A plain tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGradient: Bool = false) throws -> Tensor {
        try Tensor(shape: shape, repeating: 0, requiresGradient: requiresGradient)
    }

    /// A plain tensor of ones.
    public static func ones(_ shape: [Int], requiresGradient: Bool = false) throws -> Tensor {
        try Tensor(shape: shape, repeating: 1, requiresGradient: requiresGradient)
    }

    /// A plain scalar-shaped tensor (all extents 1) of rank `rank` holding `value`, for broadcasting.
    public static func scalar(_ value: Float, rank: Int) throws -> Tensor {
        try Tensor(shape: Array(repeating: 1, count: rank), repeating: value)
    }
}
