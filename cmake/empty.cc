// Keeps a module library non-empty while its folder is.
