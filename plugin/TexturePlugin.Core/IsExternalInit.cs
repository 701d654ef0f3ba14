#if !NET
namespace System.Runtime.CompilerServices;

/// <summary>Lets records and <c>init</c> accessors compile for netstandard2.1, which lacks this marker type.</summary>
internal static class IsExternalInit
{
}
#endif
