import Foundation
import Imaging

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The parts of an OME-XML ImageDescription CellScribe uses: the first Image's Pixels element.
struct OMEMetadata: Equatable {
    /// E.g. "XYZCT": the order of planes after X and Y, fastest first.
    var dimensionOrder = "XYCZT"
    var sizeX = 0, sizeY = 0, sizeC = 1, sizeZ = 1, sizeT = 1
    var physicalSizeX: Double?, physicalSizeY: Double?, physicalSizeZ: Double?
    var unitX = "µm", unitY = "µm", unitZ = "µm"
    /// One entry per Channel element; nil where it has no Name.
    var channelNames: [String?] = []
    /// IFD of the first TiffData element (where the series starts), when given.
    var firstIFD: Int?
    /// File names TiffData elements point to (multi-file OME-TIFF), in document order.
    var referencedFiles: [String] = []
    /// Number of Image elements (series) in the document.
    var imageCount = 0

    /// Parses `text`; nil unless it is an OME-XML document with at least one Pixels element.
    static func parse(_ text: String) -> OMEMetadata? {
        let trimmed = text.drop { $0.isWhitespace }
        guard trimmed.hasPrefix("<"), text.contains("OME") else { return nil }
        let parser = XMLParser(data: Data(text.utf8))
        let collector = OMECollector()
        parser.delegate = collector
        guard parser.parse(), collector.isOME, collector.sawPixels else { return nil }
        return collector.metadata
    }

    /// The axes of the plane sequence, slowest first (e.g. "XYZCT" gives T, C, Z), with extents.
    var planeAxes: [(axis: Axis, extent: Int)]? {
        let order = Array(dimensionOrder.uppercased())
        guard order.count == 5, order[0] == "X", order[1] == "Y", Set(order[2...]) == ["C", "Z", "T"] else {
            return nil
        }
        return order[2...].reversed().map { letter in
            switch letter {
            case "C": (Axis.c, sizeC)
            case "Z": (Axis.z, sizeZ)
            default: (Axis.t, sizeT)
            }
        }
    }

    /// Physical pixel size, converted to micron when the units are known lengths.
    var spacing: Spacing? {
        guard let x = physicalSizeX, let xm = Self.microns(x, unitX) else {
            guard let x = physicalSizeX else { return nil }
            // Unknown unit: keep it as stated when X and Y agree on it.
            return unitX == unitY
                ? Spacing(x: x, y: physicalSizeY ?? x, z: unitZ == unitX ? physicalSizeZ : nil, unit: unitX) : nil
        }
        let y = physicalSizeY.flatMap { Self.microns($0, unitY) } ?? xm
        let z = physicalSizeZ.flatMap { Self.microns($0, unitZ) }
        return Spacing(x: xm, y: y, z: z, unit: "micron")
    }

    /// `value` in micron, or nil for a unit that is not a known length.
    static func microns(_ value: Double, _ unit: String) -> Double? {
        let factors: [String: Double] = [
            "pm": 1e-6, "Å": 1e-4, "nm": 1e-3, "µm": 1, "μm": 1, "um": 1, "micron": 1, "mm": 1e3, "cm": 1e4, "m": 1e6,
        ]
        return factors[unit].map { value * $0 }
    }
}

/// XMLParser delegate collecting the first Image/Pixels element and its children.
private final class OMECollector: NSObject, XMLParserDelegate {
    var metadata = OMEMetadata()
    var isOME = false
    var sawPixels = false
    private var inFirstImage = false

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        // Prefixed documents ("ome:Pixels") are common; compare local names.
        let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
        switch name {
        case "OME": isOME = true
        case "Image":
            metadata.imageCount += 1
            inFirstImage = metadata.imageCount == 1
        case "Pixels" where inFirstImage && !sawPixels:
            sawPixels = true
            readPixels(attributes)
        case "Channel" where inFirstImage:
            metadata.channelNames.append(attributes["Name"].flatMap { $0.isEmpty ? nil : $0 })
        case "TiffData" where inFirstImage:
            if metadata.firstIFD == nil { metadata.firstIFD = Int(attributes["IFD"] ?? "0") }
        case "UUID" where inFirstImage:
            if let file = attributes["FileName"] { metadata.referencedFiles.append(file) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName.split(separator: ":").last == "Image" { inFirstImage = false }
    }

    private func readPixels(_ a: [String: String]) {
        func size(_ key: String) -> Int? { a[key].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        func length(_ key: String) -> Double? {
            a[key].flatMap { Double($0) }.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        }
        metadata.dimensionOrder = a["DimensionOrder"] ?? metadata.dimensionOrder
        metadata.sizeX = size("SizeX") ?? 0
        metadata.sizeY = size("SizeY") ?? 0
        metadata.sizeC = size("SizeC") ?? 1
        metadata.sizeZ = size("SizeZ") ?? 1
        metadata.sizeT = size("SizeT") ?? 1
        metadata.physicalSizeX = length("PhysicalSizeX")
        metadata.physicalSizeY = length("PhysicalSizeY")
        metadata.physicalSizeZ = length("PhysicalSizeZ")
        metadata.unitX = a["PhysicalSizeXUnit"] ?? metadata.unitX
        metadata.unitY = a["PhysicalSizeYUnit"] ?? metadata.unitY
        metadata.unitZ = a["PhysicalSizeZUnit"] ?? metadata.unitZ
    }
}
