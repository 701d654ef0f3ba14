using TexturePlugin.Core.Inference;

namespace TexturePlugin.Bench;

/// <summary>What <see cref="BenchRunner"/> measures and with which models.</summary>
public sealed class BenchOptions
{
    /// <summary>Short run: fewer repetitions, no 2048 synthesis.</summary>
    public bool Quick { get; set; }

    /// <summary>Measure OpenCV Telea (python3 + cv2) and G'MIC (gmic) beside the repair rows.</summary>
    public bool Peers { get; set; } = true;

    /// <summary>Execution provider and threads for the model sessions.</summary>
    public SessionConfig Session { get; set; } = new();

    /// <summary>
    /// A synthesis model's manifest (e.g. one `texplug train` made) timed beside the catalog's first material: still,
    /// animated and new-seed 512x512 rows (null: none).
    /// </summary>
    public string? ExtraSynthesisManifest { get; set; }

    /// <summary>Catalog folder (null: the discovery rule of ModelCatalog).</summary>
    public string? ModelsFolder { get; set; }

    /// <summary>Python for the OpenCV peer ($TEXPLUG_PYTHON, else /usr/bin/python3).</summary>
    public string Python { get; set; } = Environment.GetEnvironmentVariable("TEXPLUG_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
}
