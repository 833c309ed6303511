public class App { public static void main(String[] a) throws Exception { new ProcessBuilder("git", "--version").inheritIO().start().waitFor(); } }
