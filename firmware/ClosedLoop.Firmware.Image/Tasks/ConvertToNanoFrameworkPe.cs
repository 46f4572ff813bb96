#nullable disable
using System;
using System.Globalization;
using System.IO;
using Microsoft.Build.Framework;

namespace ClosedLoop.Firmware.Image
{
    /// <summary>
    /// Converts one assembly to a nanoFramework .pe with nanoFramework's MetadataProcessor (its MSBuild task,
    /// nanoFramework.Tools.MetadataProcessor.MsBuildTask), given what Visual Studio's project system gives it for an
    /// application assembly: Parse, Compile and LoadHints. MetadataProcessor sorts by the current culture, so the
    /// conversion runs in en-US (Visual Studio's builds of nanoFramework's own packages) and is refused under invariant
    /// globalization, whose ordinal order gives other bytes.
    /// </summary>
    public sealed class ConvertToNanoFrameworkPe : Microsoft.Build.Utilities.Task
    {
        internal const string ProcessorTypeName = "nanoFramework.Tools.MetadataProcessor.MsBuildTask.MetaDataProcessorTask";

        /// <summary>nanoFramework.Tools.MetadataProcessor.MsBuildTask.dll.</summary>
        [Required]
        public string TaskAssembly { get; set; }

        [Required]
        public string Assembly { get; set; }

        [Required]
        public string Pe { get; set; }

        [Required]
        public ITaskItem[] LoadHints { get; set; }

        public override bool Execute()
        {
            // Linguistic comparison puts 'a' before 'B'; invariant globalization compares ordinally.
            if (string.Compare("a", "B", CultureInfo.InvariantCulture, CompareOptions.None) > 0)
            {
                Log.LogError("nanoFramework image: .NET runs with invariant globalization (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT or no ICU), "
                    + "where MetadataProcessor orders types differently from Visual Studio. Install ICU (Debian: libicu72 or newer) "
                    + "and unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT.");
                return false;
            }

            if (!File.Exists(TaskAssembly))
            {
                Log.LogError("nanoFramework image: no MetadataProcessor at " + TaskAssembly
                    + " (restore the project, or set MetadataProcessorTaskAssembly to nanoFramework.Tools.MetadataProcessor.MsBuildTask.dll)");
                return false;
            }

            Type processorType = System.Reflection.Assembly.LoadFrom(TaskAssembly).GetType(ProcessorTypeName, true);
            var processor = (ITask)Activator.CreateInstance(processorType);
            processor.BuildEngine = BuildEngine;
            processor.HostObject = HostObject;
            processorType.GetProperty("Parse").SetValue(processor, Assembly);
            processorType.GetProperty("Compile").SetValue(processor, Pe);
            processorType.GetProperty("LoadHints").SetValue(processor, LoadHints);

            CultureInfo machineCulture = CultureInfo.CurrentCulture;
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-US");
            try
            {
                return processor.Execute() && !Log.HasLoggedErrors;
            }
            finally
            {
                CultureInfo.CurrentCulture = machineCulture;
            }
        }
    }
}
