namespace TexturePlugin.Core.Imaging;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one: the bytes go to a
/// temporary file in the same folder (same file system, so the rename is atomic), which is flushed and then
/// renamed over the target. On failure the temporary file is deleted and the old file is left as it was.
/// The new file keeps the old one's permission bits; a read-only target is refused unless the caller asks to
/// replace it; a symbolic link is written through to the file it points at, so the link stays a link
/// (<see cref="AtomicTarget"/>). Temporary files a killed process left beside the target are removed
/// (<see cref="StaleTemporaries"/>).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with the bytes <paramref name="write"/> puts in the stream.</summary>
    /// <param name="replaceReadOnly">Replace the target even when it is read-only (its mode is kept).</param>
    /// <exception cref="ImageFileException">The folder is missing or not writable, the target is read-only, or the writer failed.</exception>
    public static void Write(string path, Action<Stream> write, bool replaceReadOnly = false)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (write is null) throw new ArgumentNullException(nameof(write));
        string full = CheckReplaceable(path, replaceReadOnly);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileName(full);
        StaleTemporaries.Remove(dir, name);

        string temp = Path.Combine(dir, StaleTemporaries.NameFor(name));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            AtomicTarget.CopyMode(full, temp);
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

    /// <summary>
    /// The checks <see cref="Write"/> makes before writing, for callers that want to fail before long work: returns the
    /// file that would be replaced (a symbolic link's final target, else the full path).
    /// </summary>
    /// <exception cref="ImageFileException">The folder is missing, the path is a folder, or the target is read-only.</exception>
    public static string CheckReplaceable(string path, bool replaceReadOnly = false)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        string full = AtomicTarget.Resolve(Path.GetFullPath(path), path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
            throw new ImageFileException(path, $"the folder '{dir}' does not exist");
        if (Directory.Exists(full))
            throw new ImageFileException(path, "is a folder, not a file");
        AtomicTarget.CheckWritable(full, path, replaceReadOnly);
        return full;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool replaceReadOnly = false)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy, 0, copy.Length), replaceReadOnly);
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
