namespace Wharf.Cli.Templates;

/// <summary>A template failed to parse or execute; Message carries docker's "template parsing error: ..." text.</summary>
public sealed class TemplateException : Exception
{
    private const string DockerPrefix = "template parsing error: ";

    /// <summary>Creates the exception from Go's own error text (starting "template: ").</summary>
    public TemplateException(string goMessage)
        : base(DockerPrefix + goMessage)
    {
        GoMessage = goMessage;
    }

    /// <summary>Creates the exception from Go's error text, keeping the underlying cause.</summary>
    public TemplateException(string goMessage, Exception innerException)
        : base(DockerPrefix + goMessage, innerException)
    {
        GoMessage = goMessage;
    }

    /// <summary>The error exactly as Go's text/template reports it, without docker's prefix.</summary>
    public string GoMessage { get; }
}
