# Convenience wrapper: the real build is meson + ninja in build/.
BUILD ?= build
all: $(BUILD)/build.ninja
	ninja -C $(BUILD)
$(BUILD)/build.ninja:
	./configure --builddir=$(BUILD)
check: all
	meson test -C $(BUILD) --print-errorlogs
install: all
	meson install -C $(BUILD)
clean:
	rm -rf $(BUILD)
.PHONY: all check install clean
