// Compile-only declaration: nanoFramework.System.Collections 1.5.75 (nanoframework/nanoFramework.System.Collections, newest stored v1.5.59: the board uses none of its types).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

// Declared empty so that the compile-only set has every assembly the .nfproj references: the device needs it
// because nanoFramework.M2Mqtt or System.Net does.
