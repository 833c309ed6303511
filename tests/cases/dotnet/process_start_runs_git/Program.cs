System.Diagnostics.Process.Start("git", "--version")!.WaitForExit();
