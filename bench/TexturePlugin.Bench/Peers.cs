using System.Diagnostics;
using System.Globalization;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Bench;

/// <summary>
/// The peers measured in the same run: OpenCV Telea (Debian's python3-opencv; time measured inside python around
/// <c>cv2.inpaint</c> only, median after a warm-up) and G'MIC <c>inpaint_matchpatch</c> (the whole gmic process,
/// as /work/shared/eval/repair_eval.py runs it).
/// </summary>
internal sealed class Peers : IDisposable
{
    private const string TeleaScript =
        "import sys, time, statistics, cv2\n" +
        "img = cv2.imread(sys.argv[1]); m = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE); runs = int(sys.argv[3])\n" +
        "img[m > 0] = 0\n" +
        "cv2.inpaint(img, m, 3, cv2.INPAINT_TELEA)\n" +
        "t = []\n" +
        "for _ in range(runs):\n" +
        "    s = time.perf_counter(); cv2.inpaint(img, m, 3, cv2.INPAINT_TELEA); t.append((time.perf_counter() - s) * 1000)\n" +
        "print('%.4f' % statistics.median(t))\n";

    private readonly string _python;
    private readonly string _folder;

    public Peers(string python)
    {
        _python = python;
        _folder = Path.Combine(Path.GetTempPath(), "texplug-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    /// <summary>Median milliseconds of cv2.inpaint Telea, or null (with the reason) when OpenCV is not there.</summary>
    public double? Telea(RgbaImage image, DamageMask mask, int runs, out string? problem)
    {
        var (imagePath, maskPath) = Write(image, mask);
        string? text = RunProcess(_python, new[] { "-c", TeleaScript, imagePath, maskPath, runs.ToString(CultureInfo.InvariantCulture) }, out problem, out _);
        if (text is null)
            return null;
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms))
            return ms;
        problem = $"OpenCV peer printed '{text.Trim()}'";
        return null;
    }

    /// <summary>Median milliseconds of the whole gmic process, or null (with the reason) when gmic is missing.</summary>
    public double? Gmic(RgbaImage image, DamageMask mask, int runs, out string? problem)
    {
        var (imagePath, maskPath) = Write(image, mask);
        string outPath = Path.Combine(_folder, "gmic_out.png");
        var times = new List<double>();
        problem = null;
        for (int i = 0; i < runs; i++)
        {
            if (RunProcess("gmic", new[] { "-v", "-1", imagePath, maskPath, "inpaint_matchpatch[0]", "[1]", "remove[1]", "output[0]", outPath },
                    out problem, out double ms) is null)
                return null;
            times.Add(ms);
        }
        return BenchRunner.Median(times);
    }

    private (string Image, string Mask) Write(RgbaImage image, DamageMask mask)
    {
        string imagePath = Path.Combine(_folder, $"image_{image.Width}.png"), maskPath = Path.Combine(_folder, $"mask_{image.Width}.png");
        var damaged = image.Clone();
        var maskImage = new RgbaImage(mask.Width, mask.Height);
        for (int i = 0; i < mask.Bits.Length; i++)
        {
            byte v = mask.Bits[i] != 0 ? (byte)255 : (byte)0;
            maskImage.Pixels[i * 4] = maskImage.Pixels[i * 4 + 1] = maskImage.Pixels[i * 4 + 2] = v;
            maskImage.Pixels[i * 4 + 3] = 255;
            if (v != 0)
                damaged.Pixels.AsSpan(i * 4, 3).Clear();
        }
        ImageIO.Save(damaged, imagePath);
        ImageIO.Save(maskImage, maskPath);
        return (imagePath, maskPath);
    }

    private static string? RunProcess(string file, string[] args, out string? problem, out double milliseconds)
    {
        problem = null;
        milliseconds = 0;
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        try
        {
            var watch = Stopwatch.StartNew();
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("no process");
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            milliseconds = watch.Elapsed.TotalMilliseconds;
            if (process.ExitCode != 0)
            {
                string last = stderr.Result.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
                problem = $"{Path.GetFileName(file)} exited with {process.ExitCode}: {last}";
                return null;
            }
            return stdout;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            problem = $"{file} could not run: {e.Message}";
            return null;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
