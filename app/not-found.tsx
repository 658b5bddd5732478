import './globals.css';

/** A path the proxy did not hand to a locale (a file-like name that does not exist): plain 404. */
export default function GlobalNotFound() {
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">Nothing here</h1>
        <p className="text-zinc-700 dark:text-zinc-300">There is no file at this address.</p>
        <a href="/" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          mxray
        </a>
      </body>
    </html>
  );
}
