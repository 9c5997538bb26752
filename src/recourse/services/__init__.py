"""Use cases: one public function per use case, one transaction each."""
