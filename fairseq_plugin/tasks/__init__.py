# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
