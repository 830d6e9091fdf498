// bpmn-js in Danish: its palette, context pad, replace menu and search through bpmn-js's
// translate service (additionalModules). Each key is bpmn-js's English text as it passes
// it to translate(); a text without a Danish entry stays English.
import { currentLanguage } from "./i18n.js";

const DA = {
  // The palette.
  "Activate hand tool": "Flyt lærredet (hånd)", "Activate lasso tool": "Vælg flere (lasso)",
  "Activate create/remove space tool": "Skab eller fjern plads", "Activate global connect tool": "Forbind elementer",
  "Create start event": "Opret starthændelse", "Create intermediate/boundary event": "Opret mellem-/grænsehændelse",
  "Create end event": "Opret sluthændelse", "Create gateway": "Opret gateway", "Create task": "Opret opgave",
  "Create data object reference": "Opret dataobjekt", "Create data store reference": "Opret datalager",
  "Create expanded sub-process": "Opret udfoldet delproces", "Create pool/participant": "Opret pulje/deltager",
  "Create group": "Opret gruppe",
  // The context pad.
  "Append end event": "Tilføj sluthændelse", "Append gateway": "Tilføj gateway", "Append task": "Tilføj opgave",
  "Append intermediate/boundary event": "Tilføj mellem-/grænsehændelse", "Append text annotation": "Tilføj kommentar",
  "Add text annotation": "Tilføj kommentar", "Append receive task": "Tilføj modtageopgave",
  "Append message intermediate catch event": "Tilføj ventende meddelelseshændelse",
  "Append timer intermediate catch event": "Tilføj timerhændelse", "Append signal intermediate catch event": "Tilføj ventende signalhændelse",
  "Append conditional intermediate catch event": "Tilføj betingelseshændelse", "Append compensation activity": "Tilføj fortrydelsesaktivitet",
  "Change element": "Skift elementtype", "Delete": "Slet", "Connect to other element": "Forbind til andet element",
  "Connect using association": "Forbind med association", "Connect using data input association": "Forbind med datainput",
  "Connect using sequence/message flow or association": "Forbind med sekvens-/meddelelsesflow eller association",
  "Add lane above": "Tilføj bane ovenfor", "Add lane below": "Tilføj bane nedenfor",
  "Divide into two lanes": "Del i to baner", "Divide into three lanes": "Del i tre baner",
  "Align elements": "Justér elementer", "Distribute elements horizontally": "Fordel vandret", "Distribute elements vertically": "Fordel lodret",
  "Search in diagram": "Søg i diagrammet", "Open {element}": "Åbn {element}",
  "Loop": "Gentagelse", "Parallel multi-instance": "Parallelle instanser", "Sequential multi-instance": "Sekventielle instanser",
  "Toggle non-interrupting": "Skift afbrydende/ikke-afbrydende", "Collection": "Samling",
  // The replace menu.
  "Task": "Opgave", "User task": "Brugeropgave", "Manual task": "Manuel opgave", "Service task": "Serviceopgave",
  "Send task": "Sendeopgave", "Receive task": "Modtageopgave", "Script task": "Scriptopgave",
  "Business rule task": "Forretningsregelopgave", "Call activity": "Kaldt aktivitet", "Sub-process": "Delproces",
  "Sub-process (collapsed)": "Delproces (foldet)", "Sub-process (expanded)": "Delproces (udfoldet)",
  "Event sub-process": "Hændelsesdelproces", "Transaction": "Transaktion",
  "Start event": "Starthændelse", "End event": "Sluthændelse", "Intermediate throw event": "Mellemhændelse (udsender)",
  "Message start event": "Meddelelses-starthændelse", "Timer start event": "Timer-starthændelse",
  "Signal start event": "Signal-starthændelse", "Conditional start event": "Betingelses-starthændelse",
  "Message end event": "Meddelelses-sluthændelse", "Error end event": "Fejl-sluthændelse", "Signal end event": "Signal-sluthændelse",
  "Escalation end event": "Eskalerings-sluthændelse", "Terminate end event": "Afbryd alt (sluthændelse)",
  "Compensation end event": "Fortrydelses-sluthændelse",
  "Message intermediate catch event": "Ventende meddelelseshændelse", "Message intermediate throw event": "Udsendt meddelelseshændelse",
  "Timer intermediate catch event": "Timerhændelse", "Signal intermediate catch event": "Ventende signalhændelse",
  "Signal intermediate throw event": "Udsendt signalhændelse", "Conditional intermediate catch event": "Betingelseshændelse",
  "Escalation intermediate throw event": "Udsendt eskaleringshændelse", "Compensation intermediate throw event": "Fortrydelseshændelse",
  "Link intermediate catch event": "Linkhændelse (modtager)", "Link intermediate throw event": "Linkhændelse (udsender)",
  "Boundary event": "Grænsehændelse", "Message boundary event": "Meddelelses-grænsehændelse", "Timer boundary event": "Timer-grænsehændelse",
  "Error boundary event": "Fejl-grænsehændelse", "Signal boundary event": "Signal-grænsehændelse",
  "Escalation boundary event": "Eskalerings-grænsehændelse", "Conditional boundary event": "Betingelses-grænsehændelse",
  "Compensation boundary event": "Fortrydelses-grænsehændelse", "Cancel boundary event": "Annullerings-grænsehændelse",
  "Exclusive gateway": "Eksklusiv gateway (ét valg)", "Parallel gateway": "Parallel gateway (alle veje)",
  "Inclusive gateway": "Inklusiv gateway (en eller flere)", "Complex gateway": "Kompleks gateway", "Event-based gateway": "Hændelsesbaseret gateway",
  "Sequence flow": "Sekvensflow", "Default flow": "Standardflow", "Conditional flow": "Betinget flow",
  "Data object reference": "Dataobjekt", "Data store reference": "Datalager",
  "Empty pool/participant": "Tom pulje/deltager", "Expanded pool/participant": "Udfoldet pulje/deltager",
};

// The translate service bpmn-js asks for every text it shows.
function translate(template, replacements) {
  const text = (currentLanguage() === "da" && DA[template]) || template;
  return text.replace(/{([^}]+)}/g, (all, key) => (replacements && key in replacements ? replacements[key] : all));
}

export const translateModule = { translate: ["value", translate] };
