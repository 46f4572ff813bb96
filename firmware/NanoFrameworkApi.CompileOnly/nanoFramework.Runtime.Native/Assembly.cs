// Compile-only declaration: nanoFramework.Runtime.Native 1.7.11 (nanoframework/nanoFramework.Runtime.Native at v1.7.11: the board uses none of its types).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

// Declared empty so that the compile-only set has every assembly the .nfproj references: the device needs it
// because nanoFramework.M2Mqtt or System.Net does.
