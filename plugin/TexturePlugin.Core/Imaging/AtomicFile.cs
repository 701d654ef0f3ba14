namespace TexturePlugin.Core.Imaging;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one: the bytes go to a
/// temporary file in the same folder (same file system, so the rename is atomic), which is flushed and then
/// renamed over the target. On failure the temporary file is deleted and the old file is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with the bytes <paramref name="write"/> puts in the stream.</summary>
    /// <exception cref="ImageFileException">The folder is missing or not writable, or the writer failed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (write is null) throw new ArgumentNullException(nameof(write));
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
            throw new ImageFileException(path, $"the folder '{dir}' does not exist");
        if (Directory.Exists(full))
            throw new ImageFileException(path, "is a folder, not a file");

        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            Replace(temp, full);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is TexturePluginException)
                throw;
            throw new ImageFileException(path, $"could not be written ({e.GetType().Name}: {e.Message}); the previous file, if any, is unchanged", e);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy, 0, copy.Length));
    }

    private static void Replace(string temp, string target)
    {
#if NET
        File.Move(temp, target, overwrite: true);
#else
        if (File.Exists(target))
            File.Replace(temp, target, null);
        else
            File.Move(temp, target);
#endif
    }

    private static void TryDelete(string temp)
    {
        try
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
        catch (IOException)
        {
            // Leaving a stray temporary file is better than hiding the original error.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
