// Compile-only declaration: nanoFramework.System.Text 1.3.42 (nanoframework/nanoFramework.System.Text, newest stored v1.3.1+3: the board uses none of its types).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

// Declared empty so that the compile-only set has every assembly the .nfproj references: the device needs it
// because nanoFramework.M2Mqtt or System.Net does.
