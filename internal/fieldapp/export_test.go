package fieldapp

// NewSalted builds the app as a different binary would: same files, a
// different shell version.
var NewSalted = newApp
