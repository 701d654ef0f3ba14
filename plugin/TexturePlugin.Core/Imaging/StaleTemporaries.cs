namespace TexturePlugin.Core.Imaging;

/// <summary>
/// Temporary files that an atomic write left behind when its process was killed (SIGKILL, power loss): nothing else
/// deletes them, so the next write to the same file removes those older than <see cref="MinimumAge"/>. Younger ones
/// may belong to a write still under way in another process.
/// </summary>
internal static class StaleTemporaries
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    /// <summary>The temporary file name <see cref="AtomicFile"/> uses for <paramref name="fileName"/>: <c>.NAME.GUID.tmp</c>.</summary>
    public static string NameFor(string fileName) => $".{fileName}.{Guid.NewGuid():N}.tmp";

    /// <summary>Deletes <c>.NAME.*.tmp</c> files beside the target that are older than <see cref="MinimumAge"/>.</summary>
    public static void Remove(string folder, string fileName)
    {
        // '*' and '?' in the name would widen the search pattern to other files' temporaries.
        if (fileName.IndexOfAny(new[] { '*', '?' }) >= 0)
            return;
        DateTime before = DateTime.UtcNow - MinimumAge;
        try
        {
            foreach (string path in Directory.EnumerateFiles(folder, $".{fileName}.*.tmp"))
            {
                if (!IsOurs(Path.GetFileName(path), fileName))
                    continue;
                try
                {
                    if (File.GetLastWriteTimeUtc(path) < before)
                        File.Delete(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Someone else's file or a race with another cleaner: the write itself must not fail for it.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Exactly <c>.NAME.</c>, 32 hexadecimal digits, <c>.tmp</c>.</summary>
    internal static bool IsOurs(string candidate, string fileName)
    {
        int prefix = fileName.Length + 2;
        if (candidate.Length != prefix + 32 + 4 || !candidate.StartsWith("." + fileName + ".", StringComparison.Ordinal)
            || !candidate.EndsWith(".tmp", StringComparison.Ordinal))
            return false;
        for (int i = prefix; i < prefix + 32; i++)
            if (!Uri.IsHexDigit(candidate[i]))
                return false;
        return true;
    }
}
