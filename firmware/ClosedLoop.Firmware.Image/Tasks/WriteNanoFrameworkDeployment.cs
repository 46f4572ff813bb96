#nullable disable
using System.IO;
using Microsoft.Build.Framework;

namespace ClosedLoop.Firmware.Image
{
    /// <summary>
    /// Writes the deployment image nanoff deploys: each .pe in the order given, padded with zeros to a multiple of
    /// 4 bytes (as nanoFramework.Tools.BuildTasks' GenerateBinaryOutputTask writes Visual Studio's .bin).
    /// </summary>
    public sealed class WriteNanoFrameworkDeployment : Microsoft.Build.Utilities.Task
    {
        [Required]
        public ITaskItem[] PeFiles { get; set; }

        [Required]
        public string Deployment { get; set; }

        public override bool Execute()
        {
            using (FileStream deployment = File.Create(Deployment))
            {
                foreach (ITaskItem pe in PeFiles)
                {
                    byte[] bytes = File.ReadAllBytes(pe.ItemSpec);
                    int padding = (4 - bytes.Length % 4) % 4;
                    deployment.Write(bytes, 0, bytes.Length);
                    deployment.Write(new byte[padding], 0, padding);
                }
            }

            return true;
        }
    }
}
