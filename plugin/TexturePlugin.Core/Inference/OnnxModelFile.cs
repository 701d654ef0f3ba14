using System.Text;

namespace TexturePlugin.Core.Inference;

/// <summary>
/// Reads an ONNX file's protobuf structure without ONNX Runtime, to give clear errors before a session is made:
/// empty, not ONNX, truncated, and external-data locations that leave the allowed folder (refused, so a model
/// file cannot make the runtime read arbitrary files).
/// </summary>
public sealed class OnnxModelFile
{
    private const int ModelIrVersion = 1, ModelGraph = 7, ModelOpsetImport = 8, ModelMetadataProps = 14;
    private const int GraphNode = 1, GraphInitializer = 5, GraphSparseInitializer = 15;
    private const int NodeAttribute = 5;
    private const int AttrT = 5, AttrG = 6, AttrTensors = 10, AttrGraphs = 11, AttrSparseTensor = 22, AttrSparseTensors = 23;
    private const int SparseValues = 1, SparseIndices = 2;
    private const int TensorName = 8, TensorExternalData = 13, TensorDataLocation = 14;
    private const int EntryKey = 1, EntryValue = 2;
    private const int MaxDepth = 64;

    private OnnxModelFile(string path, long irVersion, Dictionary<string, string> metadata, List<ExternalDataReference> external)
    {
        FilePath = path;
        IrVersion = irVersion;
        MetadataProps = metadata;
        ExternalData = external;
    }

    public string FilePath { get; }
    public long IrVersion { get; }

    /// <summary>The model's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> MetadataProps { get; }

    /// <summary>Every tensor stored outside the file, with its resolved full path.</summary>
    public IReadOnlyList<ExternalDataReference> ExternalData { get; }

    /// <summary>
    /// Reads and checks <paramref name="path"/>. External data must resolve inside <paramref name="allowedRoot"/>
    /// (default: the model's own folder) and exist.
    /// </summary>
    /// <exception cref="ModelException">Missing, empty, not ONNX, truncated, or external data refused.</exception>
    public static OnnxModelFile Read(string path, string? allowedRoot = null)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (!File.Exists(path))
            throw new ModelException(path, Directory.Exists(path) ? "is a folder, not an ONNX model file" : "does not exist");
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException(path, $"cannot be read ({e.Message})", e);
        }
        return Parse(data, path, allowedRoot);
    }

    /// <summary>Checks in-memory ONNX bytes; <paramref name="path"/> names the file and anchors external data.</summary>
    public static OnnxModelFile Parse(byte[] data, string path, string? allowedRoot = null)
    {
        if (data.Length == 0)
            throw new ModelException(path, "is empty (0 bytes), not an ONNX model");
        string modelDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string root = Path.GetFullPath(allowedRoot ?? modelDir);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var external = new List<ExternalDataReference>();
        long irVersion = -1;
        bool graph = false, opset = false;
        var reader = new Reader(data, 0, data.Length);
        try
        {
            while (!reader.End)
            {
                (int field, int wire) = reader.Tag();
                if (field == ModelIrVersion && wire == 0)
                    irVersion = (long)reader.Varint();
                else if (field == ModelGraph && wire == 2)
                {
                    graph = true;
                    ScanGraph(reader.Message(), external, 0);
                }
                else if (field == ModelOpsetImport && wire == 2)
                {
                    opset = true;
                    reader.Message();
                }
                else if (field == ModelMetadataProps && wire == 2)
                {
                    (string key, string value) = ReadEntry(reader.Message());
                    metadata[key] = value;
                }
                else
                    reader.Skip(wire);
            }
        }
        catch (WireException e)
        {
            if (irVersion < 0)
                throw new ModelException(path, $"is not an ONNX model ({data.Length} bytes; protobuf {e.Message})");
            throw new ModelException(path, $"is truncated or corrupt ({data.Length} bytes; {e.Message})");
        }
        if (irVersion < 0)
            throw new ModelException(path, $"is not an ONNX model ({data.Length} bytes; no ir_version field)");
        if (!graph)
            throw new ModelException(path, $"is truncated or incomplete ({data.Length} bytes; no graph)");
        if (!opset)
            throw new ModelException(path, $"is truncated or incomplete ({data.Length} bytes; no opset_import after the graph)");

        foreach (ExternalDataReference reference in external)
            CheckExternal(path, modelDir, root, reference);
        return new OnnxModelFile(path, irVersion, metadata, external);
    }

    private static void CheckExternal(string path, string modelDir, string root, ExternalDataReference reference)
    {
        string location = reference.Location;
        if (location.Length == 0)
            throw new ModelException(path, $"tensor '{reference.TensorName}' is stored externally but has no location");
        if (Path.IsPathRooted(location) || location.IndexOf(':') >= 0)
            throw new ModelException(path, $"tensor '{reference.TensorName}' points to external data at the absolute path '{location}'; refused (external data must stay inside '{root}')");
        string full = Path.GetFullPath(Path.Combine(modelDir, location));
        string rootWithSep = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSep, StringComparison.Ordinal))
            throw new ModelException(path, $"tensor '{reference.TensorName}' points to external data '{location}' = '{full}', outside the models folder '{root}'; refused");
        if (!File.Exists(full))
            throw new ModelException(path, $"tensor '{reference.TensorName}' needs the external data file '{full}', which does not exist");
        reference.FullPath = full;
    }

    private static void ScanGraph(Reader graph, List<ExternalDataReference> external, int depth)
    {
        if (depth > MaxDepth)
            throw new WireException($"subgraphs nested deeper than {MaxDepth}");
        while (!graph.End)
        {
            (int field, int wire) = graph.Tag();
            if (field == GraphInitializer && wire == 2)
                ScanTensor(graph.Message(), external);
            else if (field == GraphSparseInitializer && wire == 2)
                ScanSparse(graph.Message(), external);
            else if (field == GraphNode && wire == 2)
                ScanNode(graph.Message(), external, depth);
            else
                graph.Skip(wire);
        }
    }

    private static void ScanNode(Reader node, List<ExternalDataReference> external, int depth)
    {
        while (!node.End)
        {
            (int field, int wire) = node.Tag();
            if (field == NodeAttribute && wire == 2)
            {
                Reader attr = node.Message();
                while (!attr.End)
                {
                    (int f, int w) = attr.Tag();
                    if ((f == AttrT || f == AttrTensors) && w == 2)
                        ScanTensor(attr.Message(), external);
                    else if ((f == AttrG || f == AttrGraphs) && w == 2)
                        ScanGraph(attr.Message(), external, depth + 1);
                    else if ((f == AttrSparseTensor || f == AttrSparseTensors) && w == 2)
                        ScanSparse(attr.Message(), external);
                    else
                        attr.Skip(w);
                }
            }
            else
                node.Skip(wire);
        }
    }

    private static void ScanSparse(Reader sparse, List<ExternalDataReference> external)
    {
        while (!sparse.End)
        {
            (int field, int wire) = sparse.Tag();
            if ((field == SparseValues || field == SparseIndices) && wire == 2)
                ScanTensor(sparse.Message(), external);
            else
                sparse.Skip(wire);
        }
    }

    private static void ScanTensor(Reader tensor, List<ExternalDataReference> external)
    {
        string name = "";
        string? location = null;
        bool isExternal = false;
        while (!tensor.End)
        {
            (int field, int wire) = tensor.Tag();
            if (field == TensorName && wire == 2)
                name = tensor.String();
            else if (field == TensorDataLocation && wire == 0)
                isExternal = tensor.Varint() == 1;
            else if (field == TensorExternalData && wire == 2)
            {
                (string key, string value) = ReadEntry(tensor.Message());
                if (key == "location")
                    location = value;
            }
            else
                tensor.Skip(wire);
        }
        if (isExternal || location is not null)
            external.Add(new ExternalDataReference(name, location ?? ""));
    }

    private static (string Key, string Value) ReadEntry(Reader entry)
    {
        string key = "", value = "";
        while (!entry.End)
        {
            (int field, int wire) = entry.Tag();
            if (field == EntryKey && wire == 2)
                key = entry.String();
            else if (field == EntryValue && wire == 2)
                value = entry.String();
            else
                entry.Skip(wire);
        }
        return (key, value);
    }

    private sealed class WireException : Exception
    {
        public WireException(string message) : base(message) { }
    }

    /// <summary>A bounds-checked protobuf wire-format reader over a byte range.</summary>
    private struct Reader
    {
        private readonly byte[] _data;
        private readonly int _end;
        private int _pos;

        public Reader(byte[] data, int start, int end)
        {
            _data = data;
            _pos = start;
            _end = end;
        }

        public bool End => _pos >= _end;

        public (int Field, int Wire) Tag()
        {
            int at = _pos;
            ulong tag = Varint();
            int wire = (int)(tag & 7);
            ulong field = tag >> 3;
            if (field == 0 || field > 536870911 || wire is 6 or 7)
                throw new WireException($"has an invalid field tag 0x{tag:X} at byte {at}");
            return ((int)field, wire);
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= _end)
                    throw new WireException($"ends inside a varint at byte {_pos}");
                byte b = _data[_pos++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                    return result;
            }
            throw new WireException($"has a varint longer than 10 bytes at byte {_pos}");
        }

        public Reader Message()
        {
            int at = _pos;
            ulong length = Varint();
            if (length > (ulong)(_end - _pos))
                throw new WireException($"has a field at byte {at} that needs {length} bytes but only {_end - _pos} remain");
            var sub = new Reader(_data, _pos, _pos + (int)length);
            _pos += (int)length;
            return sub;
        }

        public string String()
        {
            Reader sub = Message();
            return Encoding.UTF8.GetString(sub._data, sub._pos, sub._end - sub._pos);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Advance(8); break;
                case 2: Message(); break;
                case 5: Advance(4); break;
                default: throw new WireException($"uses the unsupported wire type {wire} at byte {_pos}");
            }
        }

        private void Advance(int n)
        {
            if (_end - _pos < n)
                throw new WireException($"needs {n} bytes at byte {_pos} but only {_end - _pos} remain");
            _pos += n;
        }
    }
}

/// <summary>A tensor whose data lives in a file beside the model.</summary>
public sealed class ExternalDataReference
{
    public ExternalDataReference(string tensorName, string location)
    {
        TensorName = tensorName;
        Location = location;
    }

    public string TensorName { get; }

    /// <summary>The location as written in the model.</summary>
    public string Location { get; }

    /// <summary>The resolved full path (set once checked).</summary>
    public string? FullPath { get; internal set; }
}
