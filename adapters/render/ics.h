// A person's calendar feed as iCalendar (RFC 5545), written by libical: their open tasks
// at their due time, their roles' wheel occurrences and their plan deadlines as all-day
// events. Each event's UID names what it stands for (a task, an occurrence, a plan item),
// so that a client replaces it when it changes and drops it when it leaves the feed.
#pragma once

#include <string>

#include "definitions/iso8601.h"
#include "definitions/messages.h"
#include "runtime/runtime.h"

namespace raciflow::render {

// `origin` ("https://isms.example.dk"), when known, links each task to the web app.
std::string calendar_ics(const runtime::PersonalCalendar& calendar, definitions::Language language, definitions::TimePoint now,
                         const std::string& origin = "");

}  // namespace raciflow::render
