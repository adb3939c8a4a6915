package dsl

import (
	"strings"
)

type stringsBuilder = strings.Builder
